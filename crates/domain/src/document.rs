//! Uploaded documents: evidence for a partnership's activities and outcomes now,
//! working papers and minutes later. A document belongs to one record and is shown to
//! exactly those who may see that record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::{ValidationErrors, Violation};
use crate::{DocumentId, OrganizationId};

/// The longest file name kept (characters).
pub const MAX_NAME: usize = 200;
/// Documents one record holds at most.
pub const MAX_PER_RECORD: usize = 10;

/// The types accepted: what a coordination office exchanges (PDF, photos, office
/// documents). Nothing a browser would run as a page (HTML, SVG) is among them.
pub const ACCEPTED_TYPES: &[&str] = &[
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
];

/// The accepted type a declared `Content-Type` names (parameters and case ignored).
pub fn accepted_type(declared: &str) -> Option<&'static str> {
    let essence = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    ACCEPTED_TYPES.iter().copied().find(|t| *t == essence)
}

/// Images are shown in the page; everything else is downloaded.
pub fn shown_inline(content_type: &str) -> bool {
    content_type.starts_with("image/")
}

/// The file name as kept: the last path segment, trimmed, without control or
/// bidirectional-override characters (they would disguise `gpj.exe` as `exe.jpg`).
pub fn clean_name(raw: &str) -> Result<String, ValidationErrors> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut e = ValidationErrors::default();
    let name = e.line("name", last, MAX_NAME);
    if name == "." || name == ".." {
        e.add("name", Violation::Required);
    }
    e.into_result()?;
    Ok(name)
}

/// A document as the API lists it with its record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: DocumentId,
    /// The file name given at upload.
    pub name: String,
    /// The type checked against the bytes at upload.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Lowercase hex SHA-256 of the bytes: a downloaded copy can be checked against it.
    pub sha256: String,
    /// The organization whose member uploaded it.
    pub organization_id: OrganizationId,
    pub uploaded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_are_matched_by_essence() {
        assert_eq!(accepted_type("Application/PDF; charset=binary"), Some("application/pdf"));
        assert_eq!(accepted_type("image/svg+xml"), None);
        assert_eq!(accepted_type("text/html"), None);
        assert!(shown_inline("image/png") && !shown_inline("application/pdf"));
    }

    #[test]
    fn names_keep_their_last_segment_and_refuse_disguises() {
        assert_eq!(clean_name("C:\\Users\\amal\\تقرير الزيارة.pdf").unwrap(), "تقرير الزيارة.pdf");
        assert_eq!(clean_name("../../etc/passwd").unwrap(), "passwd");
        assert!(clean_name("..").is_err());
        assert!(clean_name("photo\u{202e}gpj.exe").is_err());
        assert!(clean_name(&"ا".repeat(MAX_NAME + 1)).is_err());
    }
}
