//! Sectors and areas, fetched once and shared by the directory and the forms.

use leptos::prelude::*;
use tashbeek_domain::reference::{Area, Sector};

use crate::i18n::I18n;

#[derive(Clone, Copy)]
pub struct Reference {
    pub sectors: RwSignal<Vec<Sector>>,
    pub areas: RwSignal<Vec<Area>>,
}

impl Reference {
    pub fn load() -> Reference {
        let r = Reference { sectors: RwSignal::new(vec![]), areas: RwSignal::new(vec![]) };
        r.reload();
        r
    }

    /// Fetches both lists again (after an administrator added to them).
    pub fn reload(self) {
        leptos::task::spawn_local(async move {
            if let Ok(s) = crate::endpoints::reference::sectors().await {
                self.sectors.set(s);
            }
            if let Ok(a) = crate::endpoints::reference::areas().await {
                self.areas.set(a);
            }
        });
    }

    pub fn sector_name(&self, i18n: &I18n, code: &str) -> String {
        self.sectors
            .with(|s| {
                s.iter().find(|x| x.code == code).map(|x| i18n.pick(Some(&x.name_ar), Some(&x.name_en)).to_owned())
            })
            .unwrap_or_else(|| code.to_owned())
    }

    pub fn area_name(&self, i18n: &I18n, id: &str) -> String {
        self.areas
            .with(|s| s.iter().find(|x| x.id == id).map(|x| i18n.pick(Some(&x.name_ar), Some(&x.name_en)).to_owned()))
            .unwrap_or_else(|| id.to_owned())
    }

    /// Areas as `(id, label)` with the label indented by depth, in tree order.
    pub fn area_options(&self, i18n: &I18n) -> Vec<(String, String)> {
        self.areas.with(|areas| {
            areas
                .iter()
                .map(|a| {
                    let depth = match a.level {
                        tashbeek_domain::reference::AreaLevel::Country => 0,
                        tashbeek_domain::reference::AreaLevel::State => 1,
                        tashbeek_domain::reference::AreaLevel::Locality => 2,
                    };
                    (
                        a.id.clone(),
                        format!(
                            "{}{}",
                            "\u{00a0}\u{00a0}\u{00a0}".repeat(depth),
                            i18n.pick(Some(&a.name_ar), Some(&a.name_en))
                        ),
                    )
                })
                .collect()
        })
    }
}

pub fn use_reference() -> Reference {
    expect_context::<Reference>()
}
