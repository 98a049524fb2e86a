//! Sectors and the area tree.

use serde_json::json;
use tashbeek_tests::{on_both_backends, TestServer};

on_both_backends!(reference_data_is_seeded_and_managed,);

fn reference_data_is_seeded_and_managed(s: &TestServer) {
    let admin = s.admin();
    let sectors = s.get("/api/v1/sectors", None).expect(200);
    let codes: Vec<&str> = sectors.body.as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    for c in [
        "health",
        "education",
        "training_rehabilitation",
        "disability",
        "women_family",
        "children_youth",
        "relief",
        "water_sanitation",
        "culture",
        "awareness",
        "environment",
        "livelihoods",
    ] {
        assert!(codes.contains(&c), "{c}");
    }
    assert!(sectors
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|x| !x["name_ar"].as_str().unwrap().is_empty() && !x["name_en"].as_str().unwrap().is_empty()));
    let rn = s.get("/api/v1/areas?parent=SD-RN", None).expect(200);
    let names: Vec<&str> = rn.body.as_array().unwrap().iter().map(|a| a["name_ar"].as_str().unwrap()).collect();
    assert!(names.contains(&"شندي") && names.contains(&"المتمة"), "{names:?}");
    let all = s.get("/api/v1/areas", None).expect(200);
    let countries: Vec<&str> = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["level"] == "country")
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(countries, vec!["OM", "SA", "SD", "SY"]);
    for state in ["OM-MA", "SY-DI", "SA-RI"] {
        assert!(all.body.as_array().unwrap().iter().any(|a| a["id"] == state && a["level"] == "state"), "{state}");
    }

    s.post(
        "/api/v1/sectors",
        Some(&admin),
        json!({"code": "mental_health", "name_ar": "الصحة النفسية", "name_en": "Mental health"}),
    )
    .expect(201);
    let r = s.post("/api/v1/sectors", Some(&admin), json!({"code": "mental_health", "name_ar": "x", "name_en": "x"}));
    assert_eq!(r.problem(409, "conflict").field_code("code").as_deref(), Some("taken"));
    let r = s.post("/api/v1/sectors", Some(&admin), json!({"code": "Bad Code", "name_ar": "", "name_en": "x"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["code", "name_ar"]);
    let r = s
        .put(
            "/api/v1/sectors/mental_health",
            Some(&admin),
            None,
            json!({"name_ar": "الصحة النفسية والدعم", "name_en": "Mental health and support"}),
        )
        .expect(200);
    assert_eq!(r.body["name_en"], "Mental health and support");
    s.put("/api/v1/sectors/nothing", Some(&admin), None, json!({"name_ar": "x", "name_en": "x"}))
        .problem(404, "not_found");

    s.post("/api/v1/areas", Some(&admin), json!({"id": "SD-RN-KBS", "parent_id": "SD-RN", "level": "locality", "name_ar": "كبوشية", "name_en": "Kabushiya"})).expect(201);
    let r = s.post(
        "/api/v1/areas",
        Some(&admin),
        json!({"id": "SD-RN-XX", "parent_id": "SD-RN", "level": "state", "name_ar": "س", "name_en": "x"}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["level"]);
    let r = s.post(
        "/api/v1/areas",
        Some(&admin),
        json!({"id": "ZZ-1", "parent_id": "ZZ", "level": "state", "name_ar": "س", "name_en": "x"}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["parent_id"]);
    s.put("/api/v1/areas/SD-RN-KBS", Some(&admin), None, json!({"name_ar": "كبوشيه", "name_en": "Kabushiya"}))
        .expect(200);
    // The new locality is inside River Nile for filtering.
    let id = s.create_org(
        &admin,
        json!({"kind": "ngo", "name_ar": "جمعية كبوشية", "areas": ["SD-RN-KBS"], "sectors": ["mental_health"]}),
    );
    let r = s.get("/api/v1/organizations?area=SD-RN&sector=mental_health", Some(&admin)).expect(200);
    assert_eq!(r.body["items"][0]["id"], id.as_str());
}
