//! What a command needs from the world: the data folder chosen at start and a clock. The
//! desktop passes the system clock; tests pass a fixed one.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;
use triangulate_core::Policy;
use triangulate_store::{DataDir, Keystore, Store};

use crate::error::Result;

#[derive(Clone)]
pub struct Host {
    pub data_dir: DataDir,
    clock: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
}

impl Host {
    pub fn new(data_dir: DataDir, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Host {
        Host { data_dir, clock: Arc::new(clock) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Today in the UK, from the same clock.
    pub fn today(&self) -> NaiveDate {
        triangulate_core::local_time::uk_date(self.now())
    }

    pub fn keystore(&self) -> Result<Keystore> {
        Ok(Keystore::from_environment()?)
    }

    pub fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.data_dir, &self.keystore()?)?)
    }

    pub fn policy(&self) -> Result<Policy> {
        Ok(triangulate_store::load_policy(&self.data_dir)?.0)
    }
}
