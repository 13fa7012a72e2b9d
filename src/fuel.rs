//! Fuel: a deterministic budget of work for a store's guests.
//!
//! With [`Config::consume_fuel`](crate::Config::consume_fuel), code
//! charges fuel per block of operators (see `tandem_vm::fuel`), the same
//! in every tier, so a program runs out at the same point, or ends with
//! the same fuel left, whichever tier ran it and whenever tier-up came.

use crate::func::Caller;
use crate::{Error, Result, Store, StoreObjects};

impl StoreObjects {
    fn fuel_enabled(&self) -> Result<()> {
        if self.engine.config().consume_fuel {
            Ok(())
        } else {
            Err(Error::Unsupported(
                "fuel is not enabled (Config::consume_fuel)".into(),
            ))
        }
    }

    fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.fuel_enabled()?;
        self.vm_store.get_mut().fuel = i64::try_from(fuel).unwrap_or(i64::MAX);
        Ok(())
    }

    fn get_fuel(&self) -> Result<u64> {
        self.fuel_enabled()?;
        // SAFETY: the store's context; running code writes it only on the
        // thread that holds the store, which is this one.
        Ok(unsafe { (*self.vm_store()).fuel }.max(0) as u64)
    }
}

impl<T> Store<T> {
    /// Sets the fuel left (up to `i64::MAX`).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.inner.objects.set_fuel(fuel)
    }
    /// The fuel left: 0 once a guest ran out.
    pub fn get_fuel(&self) -> Result<u64> {
        self.inner.objects.get_fuel()
    }
}

impl<T> Caller<'_, T> {
    /// As [`Store::set_fuel`], from a host function.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.store.objects.set_fuel(fuel)
    }
    /// As [`Store::get_fuel`], from a host function.
    pub fn get_fuel(&self) -> Result<u64> {
        self.store.objects.get_fuel()
    }
}
