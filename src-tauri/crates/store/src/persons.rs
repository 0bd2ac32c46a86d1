//! Persons: people named in investigation requests, with one identity across requests.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use triangulate_core::{Actor, NewAuditEvent};

use crate::Store;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PersonRecord {
    pub id: i64,
    pub name: String,
    pub aliases: Vec<String>,
    pub date_of_birth: Option<String>,
    pub created_at: String,
}

impl Store {
    pub fn add_person(
        &mut self,
        actor: Actor,
        name: &str,
        aliases: &[String],
        date_of_birth: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<PersonRecord> {
        let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO persons (name, aliases, date_of_birth, created_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![name, serde_json::to_string(aliases).expect("serialises"), date_of_birth, at],
            )?;
            let record = PersonRecord {
                id: tx.last_insert_rowid(),
                name: name.to_string(),
                aliases: aliases.to_vec(),
                date_of_birth: date_of_birth.map(str::to_string),
                created_at: at.clone(),
            };
            let event = NewAuditEvent::of_change(actor, "person.add", vec![format!("person:{}", record.id)], &record);
            Ok((record, event))
        })
    }

    pub fn persons(&self) -> Result<Vec<PersonRecord>> {
        let mut statement =
            self.conn.prepare("SELECT id, name, aliases, date_of_birth, created_at FROM persons ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            let aliases: String = row.get(2)?;
            Ok(PersonRecord {
                id: row.get(0)?,
                name: row.get(1)?,
                aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                date_of_birth: row.get(3)?,
                created_at: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
