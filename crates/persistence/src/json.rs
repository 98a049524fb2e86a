//! JSON documents in TEXT columns, typed. A row field is `Json<T>`: written once as
//! serde_json's text when the row is built, read back as `T` by the query itself, so no
//! caller converts text and a stored document that no longer reads fails its query.

use std::fmt;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Clone, PartialEq, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Json<T> {
    value: T,
    /// The stored text: kept so that binding borrows it instead of serializing per bind.
    text: String,
}

impl<T: Serialize> Json<T> {
    pub fn new(value: T) -> serde_json::Result<Self> {
        let text = serde_json::to_string(&value)?;
        Ok(Json { value, text })
    }
}

impl<T> Json<T> {
    pub fn get(&self) -> &T {
        &self.value
    }

    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Default + Serialize> Default for Json<T> {
    fn default() -> Self {
        Json::new(T::default()).expect("a default value serializes")
    }
}

impl<T: fmt::Debug> fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T, DB> FromSql<Text, DB> for Json<T>
where
    T: DeserializeOwned,
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, DB>>::from_sql(bytes)?;
        Ok(Json { value: serde_json::from_str(&text)?, text })
    }
}

impl<T, DB> ToSql<Text, DB> for Json<T>
where
    T: fmt::Debug,
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <str as ToSql<Text, DB>>::to_sql(self.text.as_str(), out)
    }
}
