//! Reference data: sectors served and the tree of areas covered.

use serde::{Deserialize, Serialize};

use crate::organization::string_enum;
use crate::validation::{ValidationErrors, Violation};

string_enum! {
    /// Level of an area in the country > state > locality tree.
    AreaLevel {
        Country => "country",
        State => "state",
        Locality => "locality",
    }
}

impl AreaLevel {
    /// The level a child of this level must have.
    pub fn child(self) -> Option<AreaLevel> {
        match self {
            AreaLevel::Country => Some(AreaLevel::State),
            AreaLevel::State => Some(AreaLevel::Locality),
            AreaLevel::Locality => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sector {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Area {
    /// Stable code, e.g. `SD-RN-SHN` for Shendi locality.
    pub id: String,
    pub parent_id: Option<String>,
    pub level: AreaLevel,
    pub name_ar: String,
    pub name_en: String,
}

/// Create or rename a sector.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SectorInput {
    /// Lowercase letters, digits and `_`; cannot change once created.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9_]{1,40}$"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name_ar: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name_en: String,
}

/// Create an area under a parent (a country has none).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AreaInput {
    /// Uppercase letters, digits and `-`, e.g. `SD-RN-SHN`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Z0-9-]{1,40}$"))]
    pub id: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    pub level: AreaLevel,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name_ar: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name_en: String,
}

/// Rename a sector or an area.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NamesInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name_ar: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name_en: String,
}

fn check_names(name_ar: &mut String, name_en: &mut String, e: &mut ValidationErrors) {
    for (field, v) in [("name_ar", name_ar), ("name_en", name_en)] {
        *v = e.line(field, v, 120);
    }
}

fn check_code(field: &str, code: &str, allowed: fn(char) -> bool, e: &mut ValidationErrors) {
    if code.is_empty() {
        e.add(field, Violation::Required);
    } else if code.len() > 40 || !code.chars().all(allowed) {
        e.add(field, Violation::InvalidFormat(code.chars().take(40).collect()));
    }
}

impl NamesInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        check_names(&mut self.name_ar, &mut self.name_en, &mut e);
        e.into_result().map(|_| self)
    }
}

impl SectorInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.code = self.code.trim().to_owned();
        check_code("code", &self.code, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_', &mut e);
        check_names(&mut self.name_ar, &mut self.name_en, &mut e);
        e.into_result().map(|_| self)
    }
}

impl AreaInput {
    /// Checks the shape; that the parent exists with the right level is the caller's job.
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.id = self.id.trim().to_owned();
        check_code("id", &self.id, |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-', &mut e);
        self.parent_id = crate::validation::clean(self.parent_id);
        match (self.level, &self.parent_id) {
            (AreaLevel::Country, Some(_)) => e.add("parent_id", Violation::InvalidFormat("country".into())),
            (AreaLevel::State | AreaLevel::Locality, None) => e.add("parent_id", Violation::Required),
            _ => {}
        }
        check_names(&mut self.name_ar, &mut self.name_en, &mut e);
        e.into_result().map(|_| self)
    }
}
