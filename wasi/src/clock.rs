//! Clocks and randomness: `clock_res_get`, `clock_time_get`, `random_get`.

use crate::abi;
use crate::errno::WasiResult;
use crate::guest::GuestMemory;
use crate::WasiCtx;
use rustix::time::{clock_getres, clock_gettime, ClockId, Timespec};

/// The last clock id `poll_oneoff` waits on: `REALTIME` (0) and
/// `MONOTONIC` (1) are clocks to wait for; CPU time is not.
pub(crate) const MONOTONIC: u32 = 1;

/// The host clock behind a WASI clock id: realtime, monotonic, and the
/// process's and the calling thread's CPU time. Another id traps.
pub(crate) fn clock(id: u32) -> WasiResult<ClockId> {
    const CLOCKS: [ClockId; 4] = [
        ClockId::Realtime,
        ClockId::Monotonic,
        ClockId::ProcessCPUTime,
        ClockId::ThreadCPUTime,
    ];
    Ok(CLOCKS[abi::enum_case(id, 4)? as usize])
}

pub(crate) fn nanos(t: Timespec) -> u64 {
    (t.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(t.tv_nsec as u64)
}

/// The time on WASI clock `id` now, in nanoseconds.
pub(crate) fn now(id: u32) -> WasiResult<u64> {
    Ok(nanos(clock_gettime(clock(id)?)))
}

impl WasiCtx {
    pub(crate) fn clock_res_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        out: u32,
    ) -> WasiResult {
        mem.write_u64(out, nanos(clock_getres(clock(id)?)))
    }

    pub(crate) fn clock_time_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        _precision: u64,
        out: u32,
    ) -> WasiResult {
        mem.write_u64(out, now(id)?)
    }

    pub(crate) fn random_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        buf: u32,
        len: u32,
    ) -> WasiResult {
        let mut buf = mem.slice_mut(buf, len)?;
        while !buf.is_empty() {
            match rustix::rand::getrandom(&mut *buf, rustix::rand::GetRandomFlags::empty()) {
                Ok(n) => buf = &mut buf[n..],
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}
