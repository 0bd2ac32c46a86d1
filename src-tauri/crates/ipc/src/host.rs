//! What a command needs from the world: the data folder chosen at start, a clock, and the
//! open store. The desktop passes the system clock; tests pass a fixed one. The store is
//! opened once (the key fetched from the credential store once) and kept open; a command
//! that fails to open it leaves nothing cached, so the next one tries again.

use chrono::{DateTime, NaiveDate, Utc};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};
use triangulate_core::Policy;
use triangulate_store::{DataDir, Keystore, Store};

use crate::error::{IpcError, Result};

#[derive(Clone)]
pub struct Host {
    pub data_dir: DataDir,
    clock: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    store: Arc<Mutex<Option<Store>>>,
}

/// The open store, held for one command.
pub struct OpenStore<'a>(MutexGuard<'a, Option<Store>>);

impl Deref for OpenStore<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.0.as_ref().expect("an OpenStore always holds a store")
    }
}

impl DerefMut for OpenStore<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.0.as_mut().expect("an OpenStore always holds a store")
    }
}

impl Host {
    pub fn new(data_dir: DataDir, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Host {
        Host { data_dir, clock: Arc::new(clock), store: Arc::new(Mutex::new(None)) }
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

    /// The store, opened on first use and kept open; one command at a time holds it.
    pub fn open(&self) -> Result<OpenStore<'_>> {
        let mut guard =
            self.store.lock().map_err(|_| IpcError::internal("an earlier command stopped while it held the store"))?;
        if guard.is_none() {
            *guard = Some(Store::open(&self.data_dir, &self.keystore()?)?);
        }
        Ok(OpenStore(guard))
    }

    /// Forgets the open store, so the next command opens the store afresh (after it was created).
    pub fn forget_store(&self) {
        if let Ok(mut guard) = self.store.lock() {
            *guard = None;
        }
    }

    pub fn policy(&self) -> Result<Policy> {
        Ok(triangulate_store::load_policy(&self.data_dir)?.0)
    }
}
