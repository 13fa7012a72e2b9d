//! `poll_oneoff`: waiting for clocks and descriptors.

use crate::clock;
use crate::errno::{Errno, WasiResult};
use crate::guest::GuestMemory;
use crate::table::Kind;
use crate::WasiCtx;
use rustix::event::{poll, PollFd, PollFlags};
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// `sizeof(subscription)` and `sizeof(event)`.
const SUBSCRIPTION: u32 = 48;
const EVENT: u32 = 32;

/// `eventtype`.
const CLOCK: u8 = 0;
const FD_READ: u8 = 1;
const FD_WRITE: u8 = 2;

/// `subclockflags`: the timeout is an absolute time on the clock.
const ABSTIME: u16 = 1;

/// `eventrwflags`: the peer hung up.
const HANGUP: u16 = 1;

struct Event {
    userdata: u64,
    error: Errno,
    ty: u8,
    nbytes: u64,
    flags: u16,
}

impl Event {
    fn encode(&self) -> [u8; EVENT as usize] {
        let mut out = [0u8; EVENT as usize];
        out[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        out[8..10].copy_from_slice(&self.error.0.to_le_bytes());
        out[10] = self.ty;
        out[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        out[24..26].copy_from_slice(&self.flags.to_le_bytes());
        out
    }
}

/// How many bytes a read from `fd` would find now, as far as the host says.
fn readable(fd: BorrowedFd<'_>) -> u64 {
    let file = rustix::fs::fstat(fd).ok().filter(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile
    });
    match file {
        Some(st) => {
            let pos = rustix::fs::seek(fd, rustix::fs::SeekFrom::Current(0)).unwrap_or(0);
            (st.st_size as u64).saturating_sub(pos)
        }
        None => rustix::io::ioctl_fionread(fd).unwrap_or(0),
    }
}

impl WasiCtx {
    pub(crate) fn poll_oneoff(
        &mut self,
        mem: &mut GuestMemory<'_>,
        subs: u32,
        events: u32,
        count: u32,
        out: u32,
    ) -> WasiResult {
        if count == 0 {
            return Err(Errno::INVAL);
        }
        mem.range(subs, count.checked_mul(SUBSCRIPTION).ok_or(Errno::FAULT)?)?;
        mem.range(events, count.checked_mul(EVENT).ok_or(Errno::FAULT)?)?;
        let start = Instant::now();
        let mut ready = Vec::new();
        // (userdata, deadline) of each clock; (userdata, type, fd) of each
        // descriptor subscription.
        let mut clocks = Vec::new();
        let mut waits: Vec<(u64, u8, BorrowedFd<'_>)> = Vec::new();
        for i in 0..count {
            let at = subs + i * SUBSCRIPTION;
            let userdata = mem.read_u64(at)?;
            let ty = mem.slice(at + 8, 1)?[0];
            let event = |error| Event {
                userdata,
                error,
                ty,
                nbytes: 0,
                flags: 0,
            };
            match ty {
                CLOCK => {
                    let id = mem.read_u32(at + 16)?;
                    let timeout = mem.read_u64(at + 24)?;
                    let flags = mem.read_u16(at + 40)?;
                    let wait = if flags & ABSTIME != 0 {
                        clock::now(id).map(|now| timeout.saturating_sub(now))
                    } else {
                        clock::clock(id).map(|_| timeout)
                    };
                    match wait {
                        Ok(ns) => clocks.push((userdata, start + Duration::from_nanos(ns))),
                        Err(e) => ready.push(event(e)),
                    }
                }
                FD_READ | FD_WRITE => {
                    let fd = mem.read_u32(at + 16)?;
                    match self.table.get(fd) {
                        Ok(d) if matches!(d.kind, Kind::Dir(_)) => ready.push(event(Errno::BADF)),
                        Ok(d) => waits.push((userdata, ty, d.host())),
                        Err(e) => ready.push(event(e)),
                    }
                }
                _ => return Err(Errno::INVAL),
            }
        }
        let deadline = clocks.iter().map(|&(_, at)| at).min();
        loop {
            // Wait for nothing if something is already ready.
            let timeout = if ready.is_empty() {
                deadline.map(|d| d.saturating_duration_since(Instant::now()))
            } else {
                Some(Duration::ZERO)
            };
            if waits.is_empty() {
                if let Some(t) = timeout {
                    std::thread::sleep(t);
                }
            } else {
                let mut fds: Vec<PollFd<'_>> = waits
                    .iter()
                    .map(|&(_, ty, fd)| {
                        let flags = if ty == FD_READ {
                            PollFlags::IN
                        } else {
                            PollFlags::OUT
                        };
                        PollFd::from_borrowed_fd(fd, flags)
                    })
                    .collect();
                let timeout = timeout.map(|t| rustix::time::Timespec {
                    tv_sec: t.as_secs() as i64,
                    tv_nsec: t.subsec_nanos() as _,
                });
                match poll(&mut fds, timeout.as_ref()) {
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(e) => return Err(e.into()),
                }
                for (pfd, &(userdata, ty, fd)) in fds.iter().zip(&waits) {
                    let revents = pfd.revents();
                    if revents.is_empty() {
                        continue;
                    }
                    let error = if revents.contains(PollFlags::NVAL) {
                        Errno::BADF
                    } else {
                        Errno::SUCCESS
                    };
                    let nbytes = if ty == FD_READ { readable(fd) } else { 0 };
                    let flags = if revents.contains(PollFlags::HUP) {
                        HANGUP
                    } else {
                        0
                    };
                    ready.push(Event {
                        userdata,
                        error,
                        ty,
                        nbytes,
                        flags,
                    });
                }
            }
            let now = Instant::now();
            for &(userdata, at) in &clocks {
                if at <= now {
                    ready.push(Event {
                        userdata,
                        error: Errno::SUCCESS,
                        ty: CLOCK,
                        nbytes: 0,
                        flags: 0,
                    });
                }
            }
            if !ready.is_empty() || (deadline.is_none() && waits.is_empty()) {
                break;
            }
        }
        for (i, event) in ready.iter().enumerate() {
            mem.write(events + i as u32 * EVENT, &event.encode())?;
        }
        mem.write_u32(out, ready.len() as u32)
    }
}
