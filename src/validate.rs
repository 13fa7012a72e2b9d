//! Validation of function bodies, overlapped with decoding.
//!
//! The specification wants a module's every function body validated before
//! the module is used, and that validation is nearly all of `Module::new`'s
//! time for a large module. So a large code section is
//! validated on every core: the decoder queues each body as it reads it,
//! worker threads validate queued bodies while decoding goes on, and the
//! decoding thread joins them once it has read the whole module. Threads
//! take small batches in turn rather than a fixed share of the section, so
//! none sits idle while another still has work: a worker that starts late
//! or shares its core with another process leaves more bodies to the rest.
//! With one core busy elsewhere, start-up then comes close to
//! single-threaded validation instead of waiting on the slowed half.

use crate::Error;
use crossbeam_channel::{Receiver, Sender};
use std::thread::{Scope, ScopedJoinHandle};
use wasmparser::{FuncToValidate, FuncValidatorAllocations, FunctionBody, ValidatorResources};

/// A function body and what its validator needs to know about the module.
pub(crate) type FuncBody<'a> = (FuncToValidate<ValidatorResources>, FunctionBody<'a>);

/// An invalid body: its index among the module's bodies, and the error.
type Failure = (usize, Error);

/// A run of consecutive bodies, each with its index, handed over together
/// so that taking work from the queue costs little beside validating it.
type Batch<'a> = Vec<(usize, FuncBody<'a>)>;

/// Code sections at least this large are validated on every core; smaller
/// ones on the decoding thread, where a thread start would cost more than it
/// saves.
const PARALLEL_BYTES: u32 = 256 << 10;

/// Bodies are queued in batches of about this many bytes of code: large
/// enough that threads rarely meet at the queue (handing over one body at a
/// time costs measurably more), small enough to share out the last of the
/// work.
const BATCH_BYTES: usize = 16 << 10;

/// Validates the bodies the decoder hands it, on this thread or on workers
/// in `scope`, and reports the first invalid one in module order.
pub(crate) struct BodyValidator<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    /// Bodies handed over so far: the index of the next one.
    count: usize,
    /// Allocations reused from body to body on this thread.
    allocs: FuncValidatorAllocations,
    /// The queue the workers take bodies from, when there are workers.
    queue: Option<(Sender<Batch<'env>>, Receiver<Batch<'env>>)>,
    /// Bodies not yet queued, and their size in bytes.
    batch: Batch<'env>,
    batch_bytes: usize,
    workers: Vec<ScopedJoinHandle<'scope, Option<Failure>>>,
    /// The first invalid body found on this thread.
    failure: Option<Failure>,
}

impl<'scope, 'env> BodyValidator<'scope, 'env> {
    pub fn new(scope: &'scope Scope<'scope, 'env>) -> Self {
        BodyValidator {
            scope,
            count: 0,
            allocs: FuncValidatorAllocations::default(),
            queue: None,
            batch: Vec::new(),
            batch_bytes: 0,
            workers: Vec::new(),
            failure: None,
        }
    }

    /// The code section starts, `size` bytes long: starts workers if it is
    /// large enough to share.
    pub fn code_section(&mut self, size: u32) {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if threads == 1 || size < PARALLEL_BYTES {
            return;
        }
        let (tx, rx) = crossbeam_channel::unbounded();
        self.workers = (1..threads)
            .map(|_| {
                let rx = rx.clone();
                self.scope.spawn(move || {
                    let mut allocs = FuncValidatorAllocations::default();
                    drain(&rx, &mut allocs)
                })
            })
            .collect();
        self.queue = Some((tx, rx));
    }

    /// The next body in module order.
    pub fn push(&mut self, body: FuncBody<'env>) {
        let index = self.count;
        self.count += 1;
        match &self.queue {
            Some((tx, _)) => {
                let range = body.1.range();
                self.batch_bytes += (range.end - range.start) as usize;
                self.batch.push((index, body));
                if self.batch_bytes >= BATCH_BYTES {
                    self.batch_bytes = 0;
                    // The receiver lives as long as the sender: this succeeds.
                    tx.send(std::mem::take(&mut self.batch)).unwrap_or(());
                }
            }
            // Bodies after an invalid one cannot change the outcome.
            None if self.failure.is_none() => {
                if let Err(e) = validate(body, &mut self.allocs) {
                    self.failure = Some((index, e));
                }
            }
            None => {}
        }
    }

    /// Every body has been handed over: validates those still queued,
    /// alongside the workers, and reports the first invalid body.
    pub fn finish(mut self) -> Result<(), Error> {
        let mut failures = Vec::new();
        failures.extend(self.failure.take());
        if let Some((tx, rx)) = self.queue.take() {
            tx.send(std::mem::take(&mut self.batch)).unwrap_or(());
            drop(tx);
            failures.extend(drain(&rx, &mut self.allocs));
        }
        for worker in self.workers.drain(..) {
            let panicked = || Some((0, Error::Invalid("function validation panicked".into())));
            failures.extend(worker.join().unwrap_or_else(|_| panicked()));
        }
        failures
            .into_iter()
            .min_by_key(|(index, _)| *index)
            .map_or(Ok(()), |(_, e)| Err(e))
    }
}

/// Decoding failed before `finish`: empties the queue so that the workers,
/// which the scope waits for, stop after the body in hand.
impl Drop for BodyValidator<'_, '_> {
    fn drop(&mut self) {
        if let Some((_, rx)) = &self.queue {
            rx.try_iter().for_each(drop);
        }
    }
}

/// Validates queued bodies until the queue is closed and empty, or until
/// one is invalid: every body still queued comes after it in module order,
/// so none of them can be the first invalid one.
fn drain(rx: &Receiver<Batch<'_>>, allocs: &mut FuncValidatorAllocations) -> Option<Failure> {
    rx.iter()
        .flatten()
        .find_map(|(index, body)| validate(body, allocs).err().map(|e| (index, e)))
}

/// Validates one body with `allocs`, and leaves them there for the next.
fn validate(
    (func, body): FuncBody<'_>,
    allocs: &mut FuncValidatorAllocations,
) -> Result<(), Error> {
    let mut validator = func.into_validator(std::mem::take(allocs));
    let result = crate::no_gc::validate_body(&mut validator, body.get_binary_reader());
    *allocs = validator.into_allocations();
    result
}
