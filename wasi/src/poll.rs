//! `poll_oneoff`: waiting for clocks and descriptors.

use crate::clock;
use crate::errno::{Errno, WasiResult};
use crate::guest::{aligned, GuestMemory, OUT_OF_BOUNDS};
use crate::table::{Descriptor, File};
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

/// What one subscription waits for.
enum Wait<'a> {
    /// A clock reaching this instant.
    Clock(Instant),
    /// A regular file: ready without waiting, as reading or writing one
    /// never blocks.
    File(&'a File),
    /// Standard I/O, which the host polls.
    Stream(BorrowedFd<'a>),
}

/// Whether a read from `file` would find nothing more.
fn at_end(file: &File) -> bool {
    rustix::fs::fstat(&file.fd).map_or(true, |st| st.st_size as u64 <= file.position)
}

impl WasiCtx {
    /// Waits until at least one subscription is ready and reports every
    /// ready one, in subscription order. As in wasmtime: clocks are
    /// `REALTIME` or `MONOTONIC` (else `EINVAL`); a descriptor must be open
    /// and able to do what is awaited (reading: standard input or a file;
    /// writing: standard output, error or a file), else the whole call
    /// fails with `EBADF`; a file is ready without waiting; `nbytes` is 1 for a
    /// ready descriptor (preview 1 has no way to tell more), and a file read
    /// at its end is flagged `HANGUP`.
    pub(crate) fn poll_oneoff(
        &mut self,
        mem: &mut GuestMemory<'_>,
        subs: u32,
        events: u32,
        count: u32,
        out: u32,
    ) -> WasiResult {
        if count == 0 {
            return Err(Errno::INVAL.into());
        }
        let size = |each: u32| count.checked_mul(each).ok_or(OUT_OF_BOUNDS);
        mem.range(aligned(subs, 8)?, size(SUBSCRIPTION)?)?;
        mem.range(aligned(events, 8)?, size(EVENT)?)?;
        let start = Instant::now();
        let mut waits = Vec::with_capacity(count as usize);
        for i in 0..count {
            let at = subs + i * SUBSCRIPTION;
            let userdata = mem.read_u64(at)?;
            let ty = mem.slice(at + 8, 1)?[0];
            let wait = match ty {
                CLOCK => {
                    let id = mem.read_u32(at + 16)?;
                    let timeout = mem.read_u64(at + 24)?;
                    let flags = mem.read_u16(at + 40)?;
                    if id > clock::MONOTONIC || flags & !ABSTIME != 0 {
                        return Err(Errno::INVAL.into());
                    }
                    let ns = if flags & ABSTIME != 0 {
                        timeout.saturating_sub(clock::now(id)?)
                    } else {
                        timeout
                    };
                    Wait::Clock(start + Duration::from_nanos(ns))
                }
                FD_READ | FD_WRITE => {
                    let fd = mem.read_u32(at + 16)?;
                    match (ty, self.table.get(fd)?) {
                        (_, Descriptor::File(file)) => Wait::File(file),
                        (FD_READ, d @ Descriptor::Stdio(0))
                        | (FD_WRITE, d @ Descriptor::Stdio(1 | 2)) => Wait::Stream(d.host()),
                        _ => return Err(Errno::BADF.into()),
                    }
                }
                _ => return Err(Errno::INVAL.into()),
            };
            waits.push((userdata, ty, wait));
        }
        let deadline = waits
            .iter()
            .filter_map(|(_, _, w)| match w {
                Wait::Clock(at) => Some(*at),
                _ => None,
            })
            .min();
        let file_reads = waits
            .iter()
            .any(|&(_, ty, ref w)| ty == FD_READ && matches!(w, Wait::File(_)));
        // The subscriptions the host polls: their index, descriptor and events.
        let streams: Vec<(usize, BorrowedFd<'_>, PollFlags)> = waits
            .iter()
            .enumerate()
            .filter_map(|(i, &(_, ty, ref w))| match w {
                Wait::Stream(fd) if ty == FD_READ => Some((i, *fd, PollFlags::IN)),
                Wait::Stream(fd) => Some((i, *fd, PollFlags::OUT)),
                _ => None,
            })
            .collect();
        let mut ready = vec![false; waits.len()];
        // Readiness comes in passes, in the order wasmtime's pollables
        // become ready: standard I/O and file writes at once, then elapsed
        // clocks (a clock yields once before it fires), then file reads
        // (read ahead on another thread), so that the same subscriptions
        // report the same events.
        let mut pass = 0;
        loop {
            let timeout = if pass < 2 || file_reads {
                Some(Duration::ZERO)
            } else {
                deadline.map(|d| d.saturating_duration_since(Instant::now()))
            };
            if streams.is_empty() {
                if let Some(t) = timeout {
                    std::thread::sleep(t);
                }
            } else {
                let mut fds: Vec<PollFd<'_>> = streams
                    .iter()
                    .map(|&(_, fd, events)| PollFd::from_borrowed_fd(fd, events))
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
                for (pfd, &(i, _, _)) in fds.iter().zip(&streams) {
                    ready[i] = !pfd.revents().is_empty();
                }
            }
            let now = Instant::now();
            for (i, (_, ty, wait)) in waits.iter().enumerate() {
                match wait {
                    Wait::Clock(at) => ready[i] = pass >= 1 && *at <= now,
                    Wait::File(_) => ready[i] = *ty == FD_WRITE || pass >= 2,
                    Wait::Stream(_) => {}
                }
            }
            if ready.contains(&true) {
                break;
            }
            pass += 1;
        }
        let mut n = 0;
        for ((userdata, ty, wait), _) in waits.iter().zip(&ready).filter(|(_, &r)| r) {
            let event = Event {
                userdata: *userdata,
                error: Errno::SUCCESS,
                ty: *ty,
                nbytes: if *ty == CLOCK { 0 } else { 1 },
                flags: match wait {
                    Wait::File(file) if *ty == FD_READ && at_end(file) => HANGUP,
                    _ => 0,
                },
            };
            mem.write_struct(events + n * EVENT, &event.encode(), 8)?;
            n += 1;
        }
        mem.write_u32(out, n)
    }
}
