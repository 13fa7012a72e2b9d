//! Out-of-bounds memory accesses caught by the hardware instead of checked.
//!
//! Every linear memory reserves [`MEMORY_RESERVATION`] bytes of address
//! space: 4 GiB that a 32-bit index can reach, then 4 GiB of guard. Pages
//! past the memory's current size are inaccessible, so an access at `base +
//! index + offset` (a `u32` index, an offset below 4 GiB) either lands in the
//! memory or faults. Code that relies on this (the interpreter's loads and
//! stores with narrow offsets) runs inside [`catch_memory_faults`]: a fault
//! whose address lies in the reservation of the memory the code is using
//! makes that call return [`FAULT`] at once, and the caller turns it into a
//! `MemoryOutOfBounds` trap.
//!
//! How it unwinds: [`catch_memory_faults`] saves the callee-saved registers
//! and the stack pointer (in a [`Landing`]) before calling the code; the
//! `SIGSEGV`/`SIGBUS` handler, seeing a fault of the running landing's
//! memory, rewrites the interrupted context to resume right after that call
//! with the saved stack pointer and `FAULT` as the result. The frames in
//! between are dropped without running anything, so the code inside must
//! own nothing that needs dropping (the interpreter's handlers hold raw
//! pointers only). Faults that are not ours go to the handler installed
//! before (Rust's stack-overflow report, or the default action).
//!
//! Compiled code relies on the same landings, but its faults are recognised
//! by their program counter instead: a fault (or `ud2`, `SIGILL`) at an
//! address the [code registry](crate::code_registry) lists as a trap site
//! resumes in [`unwind::trap_in_compiled_code`](crate::unwind), which
//! records the trap and its compiled frames and then returns from the
//! innermost landing's call with the trap status ([`resume_at_landing`]).
//!
//! Only Linux on x86-64 has this; elsewhere [`CATCHES`] is false and code
//! must check every access itself (and there is no compiled code).

/// Address space every linear memory reserves: 4 GiB + 4 GiB of guard.
pub const MEMORY_RESERVATION: usize = 8 << 30;

/// What [`catch_memory_faults`] returns after a fault (no trap status
/// is this large).
pub const FAULT: u32 = u32::MAX;

/// Whether [`catch_memory_faults`] catches faults on this platform.
pub const CATCHES: bool = cfg!(all(target_os = "linux", target_arch = "x86_64"));

/// Where a fault resumes, and which memory the running code accesses.
#[repr(C)]
pub struct Landing {
    /// The stack pointer to resume with (set by the trampoline).
    sp: usize,
    /// The base of the memory the code accesses now (null if none): a fault
    /// in its reservation is an out-of-bounds access. The code keeps it
    /// current when it switches instances.
    pub mem_base: *mut u8,
}

impl Landing {
    pub const fn new() -> Landing {
        Landing {
            sp: 0,
            mem_base: std::ptr::null_mut(),
        }
    }
}

impl Default for Landing {
    fn default() -> Landing {
        Landing::new()
    }
}

/// The code [`catch_memory_faults`] runs, with its argument.
pub type Catchable = unsafe extern "sysv64" fn(*mut u8) -> u32;

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod imp {
    use super::{Catchable, Landing, FAULT, MEMORY_RESERVATION};
    use std::cell::Cell;
    use std::sync::OnceLock;

    thread_local! {
        /// The innermost running landing of this thread (null outside).
        static CURRENT: Cell<*const Landing> = const { Cell::new(std::ptr::null()) };
    }

    // `tandem_vm_catch(f, arg, landing)`: saves the callee-saved registers,
    // records the stack pointer in `landing.sp`, calls `f(arg)`, and returns
    // its result. The signal handler resumes at `tandem_vm_fault_resume`
    // with that stack pointer and `FAULT` in `eax`, which restores the
    // registers and returns as if `f` had.
    std::arch::global_asm!(
        ".text",
        ".p2align 4",
        ".globl tandem_vm_catch",
        ".hidden tandem_vm_catch",
        ".globl tandem_vm_fault_resume",
        ".hidden tandem_vm_fault_resume",
        ".type tandem_vm_catch, @function",
        "tandem_vm_catch:",
        ".cfi_startproc",
        "push rbp",
        ".cfi_def_cfa_offset 16",
        ".cfi_offset rbp, -16",
        "push rbx",
        ".cfi_def_cfa_offset 24",
        ".cfi_offset rbx, -24",
        "push r12",
        ".cfi_def_cfa_offset 32",
        ".cfi_offset r12, -32",
        "push r13",
        ".cfi_def_cfa_offset 40",
        ".cfi_offset r13, -40",
        "push r14",
        ".cfi_def_cfa_offset 48",
        ".cfi_offset r14, -48",
        "push r15",
        ".cfi_def_cfa_offset 56",
        ".cfi_offset r15, -56",
        "sub rsp, 8",
        ".cfi_def_cfa_offset 64",
        "mov [rdx], rsp",
        "mov rax, rdi",
        "mov rdi, rsi",
        "call rax",
        "tandem_vm_fault_resume:",
        "add rsp, 8",
        ".cfi_def_cfa_offset 56",
        "pop r15",
        ".cfi_def_cfa_offset 48",
        "pop r14",
        ".cfi_def_cfa_offset 40",
        "pop r13",
        ".cfi_def_cfa_offset 32",
        "pop r12",
        ".cfi_def_cfa_offset 24",
        "pop rbx",
        ".cfi_def_cfa_offset 16",
        "pop rbp",
        ".cfi_def_cfa_offset 8",
        "ret",
        ".cfi_endproc",
        ".size tandem_vm_catch, . - tandem_vm_catch",
    );

    extern "sysv64" {
        fn tandem_vm_catch(f: Catchable, arg: *mut u8, landing: *mut Landing) -> u32;
        fn tandem_vm_fault_resume();
    }

    /// The handlers that were installed before ours, by signal.
    static PREVIOUS: OnceLock<[libc::sigaction; 4]> = OnceLock::new();
    const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

    pub fn init() {
        PREVIOUS.get_or_init(|| {
            // SAFETY: `sigaction` is a plain C struct of integers, pointers
            // and a signal set, for which all zeroes is a valid value;
            // `sigemptyset` and `sigaction` get pointers to live ones. The
            // handler installed has the `SA_SIGINFO` signature and is
            // async-signal-safe (see `on_fault`).
            unsafe {
                let mut previous: [libc::sigaction; 4] = std::mem::zeroed();
                for (k, &sig) in SIGNALS.iter().enumerate() {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = on_fault as *const () as usize;
                    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                    libc::sigemptyset(&mut action.sa_mask);
                    if libc::sigaction(sig, &action, &mut previous[k]) != 0 {
                        panic!("cannot install the memory fault handler");
                    }
                }
                previous
            }
        });
    }

    /// The handler. It reads a thread-local `Cell` (constant-initialized, no
    /// destructor: a plain TLS load) and the landing it points at, looks
    /// the program counter up in the code registry, and rewrites the
    /// context. Nothing here allocates or takes a lock: the registry's
    /// lookup only loads atomics and reads an immutable snapshot (see
    /// [`code_registry::trap_at`](crate::code_registry::trap_at)), so the
    /// handler may interrupt anything, a registration included.
    ///
    /// # Safety
    /// Only the kernel calls it, as an `SA_SIGINFO` handler: `info` and
    /// `ctx` point at the signal's `siginfo_t` and interrupted `ucontext_t`.
    unsafe extern "C" fn on_fault(
        sig: libc::c_int,
        info: *mut libc::siginfo_t,
        ctx: *mut libc::c_void,
    ) {
        let landing = CURRENT.with(Cell::get);
        if !landing.is_null() {
            // SAFETY: a non-null `CURRENT` is the landing of a `catch` call
            // still running on this thread, which its caller keeps valid and
            // in place: `catch` installs it and restores the outer one before
            // it returns, and `resume_landing` reinstates only what
            // `suspend_landing` took (its documented contract). `info` is
            // the kernel's (see # Safety).
            let (base, addr) =
                unsafe { ((*landing).mem_base as usize, (*info).si_addr() as usize) };
            // SAFETY: `ctx` is the kernel's `ucontext_t` of the interrupted
            // thread, which nothing else references while the handler runs.
            let gregs = unsafe { &mut (*ctx.cast::<libc::ucontext_t>()).uc_mcontext.gregs };
            if base != 0 && addr >= base && addr - base < MEMORY_RESERVATION {
                // SAFETY: `landing` is live (above).
                gregs[libc::REG_RSP as usize] = unsafe { (*landing).sp } as i64;
                gregs[libc::REG_RIP as usize] = tandem_vm_fault_resume as *const () as usize as i64;
                gregs[libc::REG_RAX as usize] = FAULT as i64;
                return;
            }
            let pc = gregs[libc::REG_RIP as usize] as usize;
            if let Some(code) = crate::code_registry::trap_at(pc) {
                // Resume in the unwinder as if the trapping instruction had
                // called it: below the interrupted frame, with the stack
                // aligned as at a function's entry.
                let sp = gregs[libc::REG_RSP as usize] as usize;
                gregs[libc::REG_RSP as usize] = (((sp - 128) & !15) - 8) as i64;
                gregs[libc::REG_RDI as usize] = code as u32 as i64;
                gregs[libc::REG_RSI as usize] = pc as i64;
                gregs[libc::REG_RDX as usize] = gregs[libc::REG_RBP as usize];
                gregs[libc::REG_RIP as usize] =
                    crate::unwind::trap_in_compiled_code as *const () as usize as i64;
                return;
            }
        }
        // SAFETY: `info` and `ctx` are the kernel's, for signal `sig`.
        unsafe { forward(sig, info, ctx) };
    }

    /// Hands a fault that is not ours to the handler installed before.
    ///
    /// # Safety
    /// As for [`on_fault`], with its arguments.
    unsafe fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        let Some(previous) = PREVIOUS.get() else {
            return;
        };
        let Some(k) = SIGNALS.iter().position(|&s| s == sig) else {
            return;
        };
        let prev = &previous[k];
        match prev.sa_sigaction {
            // Reinstate it and return: the access faults again, and the
            // default action (a core dump) or the ignoring happens then.
            libc::SIG_DFL | libc::SIG_IGN => {
                // SAFETY: `prev` is the action `sigaction` reported for
                // `sig` in `init`, a valid one to install again.
                unsafe { libc::sigaction(sig, prev, std::ptr::null_mut()) };
            }
            f if prev.sa_flags & libc::SA_SIGINFO != 0 => {
                // SAFETY: neither `SIG_DFL` nor `SIG_IGN`, and installed with
                // `SA_SIGINFO`: `f` is the address of a handler of this
                // three-argument signature (as `sigaction(2)` defines
                // `sa_sigaction`), and a `usize` and a function pointer have
                // the same size.
                let f = unsafe {
                    std::mem::transmute::<
                        usize,
                        extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void),
                    >(f)
                };
                f(sig, info, ctx)
            }
            f => {
                // SAFETY: neither `SIG_DFL` nor `SIG_IGN`, and installed
                // without `SA_SIGINFO`: `f` is the address of a handler
                // `fn(c_int)` (`sa_handler`), and a `usize` and a function
                // pointer have the same size.
                let f = unsafe { std::mem::transmute::<usize, extern "C" fn(libc::c_int)>(f) };
                f(sig)
            }
        }
    }

    /// # Safety
    /// As for [`catch_memory_faults`](super::catch_memory_faults).
    pub unsafe fn catch(f: Catchable, arg: *mut u8, landing: *mut Landing) -> u32 {
        init();
        let outer = CURRENT.with(|c| c.replace(landing));
        // SAFETY: `tandem_vm_catch` saves the callee-saved registers and
        // the stack pointer in `landing`, then calls `f(arg)`: the caller
        // guarantees that call is sound, that `landing` stays valid and in
        // place for it, and that `f`'s frames may be abandoned at a fault.
        let status = unsafe { tandem_vm_catch(f, arg, landing) };
        CURRENT.with(|c| c.set(outer));
        status
    }

    pub fn suspend() -> *const Landing {
        CURRENT.with(|c| c.replace(std::ptr::null()))
    }

    pub fn resume(landing: *const Landing) {
        CURRENT.with(|c| c.set(landing));
    }

    /// # Safety
    /// As for [`resume_at_landing`](super::resume_at_landing).
    pub unsafe fn resume_at_landing(status: u32) -> ! {
        let landing = CURRENT.with(Cell::get);
        assert!(
            !landing.is_null(),
            "a trap in compiled code outside any landing"
        );
        // SAFETY: `landing` is the innermost running landing of this thread
        // (see `on_fault`), so its `sp` is the stack pointer its
        // `tandem_vm_catch` call saved, in a frame still live (this code
        // runs inside that call); resuming there with `status` in `eax`
        // returns from the call, and `catch` then restores the outer
        // landing. The frames in between are abandoned, which the caller
        // guarantees is sound.
        unsafe {
            std::arch::asm!(
                "mov rsp, {sp}",
                "jmp {resume}",
                sp = in(reg) (*landing).sp,
                resume = sym tandem_vm_fault_resume,
                in("eax") status,
                options(noreturn),
            )
        }
    }
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
mod imp {
    use super::{Catchable, Landing};

    /// # Safety
    /// As for [`catch_memory_faults`](super::catch_memory_faults).
    pub unsafe fn catch(f: Catchable, arg: *mut u8, _landing: *mut Landing) -> u32 {
        // SAFETY: the caller guarantees `f` may be called with `arg`.
        unsafe { f(arg) }
    }

    pub fn suspend() -> *const Landing {
        std::ptr::null()
    }

    pub fn resume(_landing: *const Landing) {}

    /// # Safety
    /// As for [`resume_at_landing`](super::resume_at_landing).
    pub unsafe fn resume_at_landing(_status: u32) -> ! {
        unreachable!("no compiled code runs on this platform")
    }
}

/// Runs `f(arg)`; if it faults in the reservation of the memory at
/// `landing.mem_base` (where [`CATCHES`]), returns [`FAULT`] at once.
/// Nests: an inner call has its own landing, the outer one is active again
/// after it.
///
/// # Safety
/// `f(arg)` must be sound to call; `landing` must stay valid and in place
/// during the call, and `f`'s frames (everything it calls that may be
/// running at a fault) must not own anything that needs dropping: they are
/// abandoned.
pub unsafe fn catch_memory_faults(f: Catchable, arg: *mut u8, landing: *mut Landing) -> u32 {
    // SAFETY: the caller's contract is `imp::catch`'s.
    unsafe { imp::catch(f, arg, landing) }
}

/// Leaves the running landing while code that does not rely on it runs (a
/// host function called from Wasm): a fault there is not turned into a
/// trap. Returns the landing for [`resume_landing`].
pub fn suspend_landing() -> *const Landing {
    imp::suspend()
}

/// Makes the landing [`suspend_landing`] returned the running one again.
///
/// # Safety
/// `landing` must be what `suspend_landing` returned on this thread, while
/// the [`catch_memory_faults`] call that landing belongs to is still
/// running: the fault handler dereferences the running landing.
pub unsafe fn resume_landing(landing: *const Landing) {
    imp::resume(landing)
}

/// Returns from the innermost running landing's [`catch_memory_faults`]
/// call with `status`, abandoning every frame in between.
///
/// # Safety
/// A landing must be running on this thread, and the frames above it must
/// own nothing that needs dropping (compiled code and the unwinder only).
pub unsafe fn resume_at_landing(status: u32) -> ! {
    // SAFETY: the caller's contract is `imp::resume_at_landing`'s.
    unsafe { imp::resume_at_landing(status) }
}
