//! `poll_oneoff`: waiting for clocks and descriptors.

use crate::clock;
use crate::errno::{Errno, WasiResult};
use crate::guest::GuestMemory;
use crate::table::Descriptor;
use crate::WasiCtx;
use rustix::event::{poll, PollFd, PollFlags};
use std::os::fd::{AsFd, BorrowedFd};
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
    /// A regular file: always ready, as reading or writing one never blocks.
    File(BorrowedFd<'a>),
    /// Standard I/O, which the host polls.
    Stream(BorrowedFd<'a>),
}

/// Whether a read from the file `fd` would find nothing more.
fn at_end(fd: BorrowedFd<'_>) -> bool {
    let size = rustix::fs::fstat(fd).map_or(0, |st| st.st_size as u64);
    let pos = rustix::fs::seek(fd, rustix::fs::SeekFrom::Current(0)).unwrap_or(0);
    size <= pos
}

impl WasiCtx {
    /// Waits until at least one subscription is ready and reports every
    /// ready one, in subscription order. As in wasmtime: clocks are
    /// `REALTIME` or `MONOTONIC` (else `EINVAL`); a descriptor must be open
    /// and able to do what is awaited (reading: standard input or a file;
    /// writing: standard output, error or a file), else the whole call
    /// fails with `EBADF`; a file is always ready; `nbytes` is 1 for a
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
            return Err(Errno::INVAL);
        }
        mem.range(subs, count.checked_mul(SUBSCRIPTION).ok_or(Errno::FAULT)?)?;
        mem.range(events, count.checked_mul(EVENT).ok_or(Errno::FAULT)?)?;
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
                    if id > clock::MONOTONIC {
                        return Err(Errno::INVAL);
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
                        (_, Descriptor::File(file)) => Wait::File(file.fd.as_fd()),
                        (FD_READ, d @ Descriptor::Stdio(0))
                        | (FD_WRITE, d @ Descriptor::Stdio(1 | 2)) => Wait::Stream(d.host()),
                        _ => return Err(Errno::BADF),
                    }
                }
                _ => return Err(Errno::INVAL),
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
        let files_ready = waits.iter().any(|(_, _, w)| matches!(w, Wait::File(_)));
        let mut ready = vec![false; waits.len()];
        loop {
            let timeout = if files_ready {
                Some(Duration::ZERO)
            } else {
                deadline.map(|d| d.saturating_duration_since(Instant::now()))
            };
            let streams: Vec<usize> = (0..waits.len())
                .filter(|&i| matches!(waits[i].2, Wait::Stream(_)))
                .collect();
            if streams.is_empty() {
                if let Some(t) = timeout {
                    std::thread::sleep(t);
                }
            } else {
                let mut fds: Vec<PollFd<'_>> = streams
                    .iter()
                    .map(|&i| {
                        let (_, ty, Wait::Stream(fd)) = &waits[i] else {
                            unreachable!("only streams are polled")
                        };
                        let flags = if *ty == FD_READ {
                            PollFlags::IN
                        } else {
                            PollFlags::OUT
                        };
                        PollFd::from_borrowed_fd(*fd, flags)
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
                for (pfd, &i) in fds.iter().zip(&streams) {
                    ready[i] = !pfd.revents().is_empty();
                }
            }
            let now = Instant::now();
            for (i, (_, _, wait)) in waits.iter().enumerate() {
                match wait {
                    Wait::Clock(at) => ready[i] = *at <= now,
                    Wait::File(_) => ready[i] = true,
                    Wait::Stream(_) => {}
                }
            }
            if ready.contains(&true) {
                break;
            }
        }
        let mut n = 0;
        for ((userdata, ty, wait), _) in waits.iter().zip(&ready).filter(|(_, &r)| r) {
            let event = Event {
                userdata: *userdata,
                error: Errno::SUCCESS,
                ty: *ty,
                nbytes: if *ty == CLOCK { 0 } else { 1 },
                flags: match wait {
                    Wait::File(fd) if *ty == FD_READ && at_end(*fd) => HANGUP,
                    _ => 0,
                },
            };
            mem.write(events + n * EVENT, &event.encode())?;
            n += 1;
        }
        mem.write_u32(out, n)
    }
}
