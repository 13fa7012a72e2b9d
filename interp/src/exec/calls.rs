//! Calls out of the running frame: to code the interpreter does not run
//! itself (through the array convention), and the slow path of calls
//! between interpreted functions; finding a callee's translation.

use super::*;

/// Calls a callee that the interpreter does not run itself, through the
/// calling convention. `args` are the caller's slots holding the arguments,
/// which receive the results; `frame_end` is the first slot above the
/// caller's frame, where a nested entry into the interpreter may start.
///
/// # Safety
/// `callee` must be live, of signature `ty`, `vmctx` the live calling
/// instance, `args` must have room for the parameters and results, and
/// `frame_end` must lie in (or just past) `stack`'s slots.
#[inline(never)]
pub(super) unsafe fn call_out(
    stack: &ValueStack,
    callee: *const VMFunc,
    vmctx: *mut VMContext,
    ty: &wasmparser::FuncType,
    args: *mut u64,
    frame_end: *mut u64,
) -> u32 {
    // SAFETY: `vmctx` is a live instance (the contract).
    if !unsafe { callconv::native_stack_ok(vmctx) } {
        return trap::raise(TrapCode::StackOverflow);
    }
    let n = ty.params().len().max(ty.results().len());
    let mut small = [ValRaw::default(); 8];
    let mut big = Vec::new();
    let buf: &mut [ValRaw] = if n <= small.len() {
        &mut small[..n]
    } else {
        big.resize(n, ValRaw::default());
        &mut big
    };
    let mut slot = 0;
    for (i, &p) in ty.params().iter().enumerate() {
        // SAFETY: `args` holds the parameters (the contract), slot by slot.
        let (v, k) = unsafe { read_val(args.add(slot), p) };
        buf[i] = v;
        slot += k;
    }
    // SAFETY: `callee` is live and of signature `ty` (the contract), so its
    // array-call entry takes `buf`, which holds the arguments and has room
    // for the results (`n` values); `frame_end` is as `call_array` needs.
    let status =
        unsafe { call_array(stack, (*callee).array_call(), callee, vmctx, buf, frame_end) };
    if status == 0 {
        let mut slot = 0;
        for (i, &r) in ty.results().iter().enumerate() {
            // SAFETY: `args` has room for the results (the contract).
            slot += unsafe { write_val(args.add(slot), r, buf[i]) };
        }
    }
    status
}

/// Calls array-call entry `f` of `callee` (its own, or an OSR entry into
/// it) with `buf`, from code whose frame ends at `frame_end`, where a
/// nested entry into the interpreter may start.
///
/// # Safety
/// As for `f`, with `buf` holding its arguments and room for its results;
/// `frame_end` must lie in (or just past) `stack`'s slots.
#[inline(never)]
pub(super) unsafe fn call_array(
    stack: &ValueStack,
    f: tandem_vm::ArrayCallFn,
    callee: *const VMFunc,
    vmctx: *mut VMContext,
    buf: &mut [ValRaw],
    frame_end: *mut u64,
) -> u32 {
    let saved = stack.top.get();
    // SAFETY: `frame_end` lies in (or just past) the value stack (the
    // contract), one allocation with `stack.base`.
    stack
        .top
        .set(unsafe { frame_end.offset_from(stack.base) } as usize);
    // The callee is not this interpreter's code: its faults are not ours.
    let landing = fault::suspend_landing();
    // SAFETY: `f` may be called so, with `buf` holding its arguments and
    // room for its results (the contract).
    let status = unsafe { tail::call(f, callee, vmctx, buf.as_mut_ptr()) };
    // SAFETY: `landing` is what `suspend_landing` returned just above, on
    // this thread, inside the `catch_memory_faults` call of `execute` that
    // is running this frame.
    unsafe { fault::resume_landing(landing) };
    stack.top.set(saved);
    status
}

/// The signature of type `type_index` of the module of `vmctx`.
///
/// # Safety
/// `vmctx` must be a live interpreted instance.
pub(super) unsafe fn func_type<'a>(
    vmctx: *mut VMContext,
    type_index: u32,
) -> &'a wasmparser::FuncType {
    // SAFETY: `vmctx` is a live interpreted instance (the contract).
    &unsafe { module_code(vmctx) }.env().types[type_index as usize]
}

/// The type index of function `func` of the module of `vmctx`.
///
/// # Safety
/// `vmctx` must be a live interpreted instance.
pub(super) unsafe fn func_type_index(vmctx: *mut VMContext, func: u32) -> u32 {
    // SAFETY: `vmctx` is a live interpreted instance (the contract).
    unsafe { module_code(vmctx) }.env().funcs[func as usize]
}

/// Locals the call fast path zeroes itself (more go through [`call_slow`]).
pub(super) const INLINE_ZEROED: usize = 16;

/// The translation of `callee` if the interpreter runs it in width `W`
/// (`Ok(None)`: another width or tier); an error if it cannot be translated.
///
/// # Safety
/// `callee` must be live.
#[inline(always)]
pub(super) unsafe fn interpreted<'a, W: Exec>(
    callee: *const VMFunc,
) -> Result<Option<&'a FuncCode<W>>, &'a TranslateError> {
    // SAFETY: `callee` is live (the contract).
    if !unsafe { ptr::fn_addr_eq((*callee).array_call(), entry as tandem_vm::ArrayCallFn) } {
        return Ok(None);
    }
    // SAFETY: `callee` is live (the contract), and interpreted: its array-call
    // entry is `entry`.
    Ok(W::code_of(unsafe { translation(callee) }?))
}

/// The translation of interpreted function `callee` (translating it on its
/// first call), also recorded in its [`tier_code`](VMFunc::tier_code) for
/// [`translated`].
///
/// # Safety
/// `callee` must be live and interpreted; its translation lives as long as
/// its instance's module code.
pub(super) unsafe fn translation<'a>(
    callee: *const VMFunc,
) -> Result<&'a Code, &'a TranslateError> {
    // SAFETY: `callee` is live and interpreted (the contract).
    let code = unsafe { module_of(callee).func((*callee).func_index) }?;
    // SAFETY: `callee` is live (the contract).
    unsafe {
        (*callee)
            .tier_code
            .store(code as *const Code as *mut (), Ordering::Relaxed)
    };
    Ok(code)
}

/// The translation cache of interpreted function `callee`'s module.
///
/// # Safety
/// `callee` must be live and interpreted; the cache lives as long as its
/// instance.
pub(super) unsafe fn module_of<'a>(callee: *const VMFunc) -> &'a ModuleCode {
    // SAFETY: `callee` is live and interpreted (the contract), so its
    // instance is a live interpreted one.
    unsafe { module_code((*callee).vmctx) }
}

/// The translation cache of interpreted instance `vmctx`'s module.
///
/// # Safety
/// `vmctx` must be a live interpreted instance.
pub(super) unsafe fn module_code<'a>(vmctx: *mut VMContext) -> &'a ModuleCode {
    // SAFETY: `vmctx` is live (the contract), and the `tier_state` of an
    // interpreted instance is its module's `ModuleCode` (what its
    // `TierModule::tier_state` gives), which outlives the instance.
    unsafe { &*((*vmctx).tier_state as *const ModuleCode) }
}

/// Counts a call of interpreted function `callee`, whose translation is
/// `code`; asks for a tier-up when its countdown has run out.
///
/// # Safety
/// As for [`module_of`].
#[inline(always)]
pub(super) unsafe fn count_call<W: Width>(callee: *const VMFunc, code: &FuncCode<W>) {
    if !code.tick() {
        // SAFETY: as required of `count_call`.
        unsafe { module_of(callee) }.ran_out(code.func_index, None, &code.countdown);
    }
}

/// The translation of `callee` if it is a function of instance `vmctx`
/// that the interpreter runs in width `W` and has translated already.
///
/// # Safety
/// `callee` and `vmctx` must be live.
#[inline(always)]
pub(super) unsafe fn translated<'a, W: Exec>(
    callee: *const VMFunc,
    vmctx: *mut VMContext,
) -> Option<&'a FuncCode<W>> {
    // SAFETY: `callee` is live (the contract).
    if unsafe {
        (*callee).vmctx != vmctx
            || !ptr::fn_addr_eq((*callee).array_call(), entry as tandem_vm::ArrayCallFn)
    } {
        return None;
    }
    // SAFETY: `callee` is live (the contract).
    let code = unsafe { (*callee).tier_code.load(Ordering::Relaxed) } as *const Code;
    // SAFETY: `callee` is interpreted (its array-call entry is `entry`), and
    // an interpreted function's `tier_code` is null or its translation (as
    // [`translation`] stores it), which lives as long as its module's code.
    W::code_of(unsafe { code.as_ref() }?)
}

/// Completes the call at `ip` to `cx.callee` that the handler's fast path
/// does not make: to another instance, to code of another width or tier, or to a function that
/// is not translated yet, or with a frame push that allocates or traps, or
/// many locals. Then goes on running (the callee, or the caller after it).
/// Has the handlers' signature, so they reach it by a tail call.
///
/// # Safety
/// As for a handler; `ip` is a `Call` or `CallIndirect` whose callee (of
/// the right signature) is `cx.callee`.
#[inline(never)]
pub(super) unsafe fn call_slow<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    let (callee, vmctx, code) = (cx.callee, cx.vmctx, cx.code);
    // SAFETY: `ip` is a call of the running function (the contract).
    let (base, type_index) = unsafe { call_site(ip, vmctx, code) };
    // SAFETY: the call's base slot lies in the running frame (the module
    // invariants).
    let new_fp = unsafe { fp.add(base.idx()) };
    // SAFETY: `callee` is live: a function of a live instance, or a table
    // element the handler checked (the contract).
    let here = match unsafe { interpreted::<W>(callee) } {
        Ok(here) => here,
        // SAFETY: `callee` is live (as above).
        Err(e) => return unsafe { untranslatable(callee, e) },
    };
    let Some(ccode) = here else {
        // SAFETY: `vmctx` is a live interpreted instance, and `type_index` one
        // of its module's types (the module invariants).
        let ty = unsafe { func_type(vmctx, type_index) };
        // SAFETY: the running frame lies in the value stack (the module
        // invariants), so its end lies in or just past the stack's slots.
        let frame_end = unsafe { fp.add((*code).frame_slots as usize) };
        // SAFETY: `callee` is live and of signature `ty` (the contract); the
        // translator leaves room for the call's parameters and results from
        // its base slot on, inside the running frame.
        let status = unsafe { call_out(cx.stack, callee, vmctx, ty, new_fp, frame_end) };
        if status != 0 {
            cx.raised = (ip, fp);
            return status;
        }
        // The callee may have grown the memory.
        // SAFETY: `vmctx` is live and `code` one of its module's functions.
        let (mem_base, mem_len) = unsafe { memory(vmctx, code) };
        cx.mem_len = mem_len;
        // SAFETY: a call is never a function's last instruction (that is a
        // branch or a return), so `ip.add(1)` is the caller's next
        // instruction, whose frame is at `fp`; `mem_base` is its memory.
        return unsafe { dispatch(ip.add(1), fp, mem_base, cx, acc) };
    };
    // SAFETY: `callee` is live and interpreted (`interpreted` found its
    // translation).
    unsafe { count_call(callee, ccode) };
    if cx.frames.len() >= MAX_FRAMES || !frame_fits(cx.stack, new_fp, ccode) {
        return raise(TrapCode::StackOverflow);
    }
    if cx.frames.len() == cx.frames.capacity() {
        let grown = (cx.frames.capacity() * 2).clamp(16, MAX_FRAMES);
        cx.frames.reserve_exact(grown - cx.frames.len());
    }
    cx.frames.push(Frame {
        // SAFETY: a call is never a function's last instruction, so
        // `ip.add(1)` is the caller's next one.
        ret: unsafe { ip.add(1) },
        fp,
        vmctx,
        code,
    });
    // SAFETY: the callee's frame fits in the value stack (checked above),
    // and its locals follow its parameters.
    unsafe {
        ptr::write_bytes(
            new_fp.add(ccode.param_slots as usize),
            0,
            ccode.local_slots as usize,
        )
    };
    // SAFETY: `callee` is live.
    let cvm = unsafe { (*callee).vmctx };
    let mut mem_base = mem_base;
    if cvm != vmctx {
        // SAFETY: `cvm` is the callee's live instance, and `ccode` one of its
        // module's functions.
        (mem_base, cx.mem_len) = unsafe { memory(cvm, ccode) };
        cx.landing.mem_base = mem_base;
    }
    (cx.vmctx, cx.code, cx.ops) = (cvm, ccode, ccode.ops.as_ptr());
    // SAFETY: `cx` now runs the callee: `cx.ops` is its first instruction,
    // its frame is at `new_fp` (parameters in place, locals zeroed) and
    // `mem_base` is its instance's memory.
    unsafe { dispatch(cx.ops, new_fp, mem_base, cx, acc) }
}

/// Makes the tail call at `ip` (a `ReturnCall`, `ReturnCallIndirect` or
/// `ReturnCallRef`) to `cx.callee`, which replaces the running frame, then
/// goes on running (the callee, or the caller after it). Has the handlers'
/// signature, so they reach it by a tail call; the work is done out of line, in
/// [`make_return_call`], so that nothing on this function's stack stops
/// LLVM from making its own call to the next handler a jump.
///
/// # Safety
/// As for a handler; `ip` is a tail call whose callee (checked, of the
/// right signature) is `cx.callee`.
#[inline(never)]
pub(super) unsafe fn return_call_slow<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    // SAFETY: as required of `return_call_slow`.
    let status = unsafe { make_return_call(ip, fp, mem_base, cx) };
    if status != 0 {
        return status;
    }
    let (ip, fp, mem_base) = cx.resume;
    // SAFETY: `make_return_call` left where to go on in `cx.resume`.
    unsafe { dispatch(ip, fp, mem_base, cx, acc) }
}

/// The work of [`return_call_slow`]. An interpreted callee of this width
/// runs in the same slots. Any other callee is called out and its results
/// returned, unless the running frame is the bottom one of this
/// interpreter run: then the call is left pending for the run's caller
/// ([`tail`]), so that tail calls to and fro between the tiers never nest
/// runs. Returns 0 with the next instruction, its frame and memory in
/// `cx.resume`, or the status the run ends with.
///
/// # Safety
/// As for [`return_call_slow`].
#[inline(never)]
unsafe fn make_return_call<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
) -> u32 {
    let (callee, vmctx, code) = (cx.callee, cx.vmctx, cx.code);
    // SAFETY: `ip` is a call of the running function (the contract).
    let (base, type_index) = unsafe { call_site(ip, vmctx, code) };
    // SAFETY: the call's base slot lies in the running frame (the module
    // invariants).
    let args = unsafe { fp.add(base.idx()) };
    // SAFETY: `callee` is live: a function of a live instance, or a table
    // element the handler checked (the contract).
    let here = match unsafe { interpreted::<W>(callee) } {
        Ok(here) => here,
        // SAFETY: `callee` is live (as above).
        Err(e) => return unsafe { untranslatable(callee, e) },
    };
    if let Some(ccode) = here {
        // SAFETY: `callee` is live and interpreted.
        unsafe { count_call(callee, ccode) };
        if !frame_fits(cx.stack, fp, ccode) {
            return raise(TrapCode::StackOverflow);
        }
        // SAFETY: the arguments lie in the running frame, above its locals,
        // and the callee's frame fits at `fp` (checked above): the
        // arguments move down to its first slots, its locals follow.
        unsafe {
            ptr::copy(args, fp, ccode.param_slots as usize);
            ptr::write_bytes(
                fp.add(ccode.param_slots as usize),
                0,
                ccode.local_slots as usize,
            );
        }
        // SAFETY: `callee` is live.
        let cvm = unsafe { (*callee).vmctx };
        let mut mem_base = mem_base;
        if cvm != vmctx {
            // SAFETY: `cvm` is the callee's live instance, and `ccode` one of
            // its module's functions.
            (mem_base, cx.mem_len) = unsafe { memory(cvm, ccode) };
            cx.landing.mem_base = mem_base;
        }
        (cx.vmctx, cx.code, cx.ops) = (cvm, ccode, ccode.ops.as_ptr());
        // `cx` now runs the callee in the running frame's place.
        cx.resume = (cx.ops, fp, mem_base);
        return 0;
    }
    // SAFETY: `vmctx` is a live interpreted instance, and `type_index` one of
    // its module's types (the module invariants).
    let ty = unsafe { func_type(vmctx, type_index) };
    if cx.frames.is_empty() {
        // SAFETY: the arguments lie at `args`.
        return unsafe { leave_pending(callee, vmctx, ty, args) };
    }
    // SAFETY: `vmctx` is the live running instance.
    if !unsafe { callconv::native_stack_ok(vmctx) } {
        return raise(TrapCode::StackOverflow);
    }
    // SAFETY: the running frame lies in the value stack (the module
    // invariants), so its end lies in or just past the stack's slots.
    let frame_end = unsafe { fp.add((*code).frame_slots as usize) };
    // SAFETY: `callee` is live and of signature `ty` (the contract); the
    // translator leaves room for the call's parameters and results from its
    // base slot on, inside the running frame, as for any call.
    let status = unsafe { call_out(cx.stack, callee, vmctx, ty, args, frame_end) };
    if status != 0 {
        // The callee ran in the running frame's place, and the backtrace
        // has it instead.
        cx.frame_gone = true;
        return status;
    }
    let slots: usize = ty.results().iter().map(|&t| slots_of(t) as usize).sum();
    // SAFETY: the results lie at `args`, in the running frame, and go to its
    // first slots, where its caller finds them.
    unsafe { ptr::copy(args, fp, slots) };
    let caller = cx.frames.pop().expect("a suspended caller");
    // The callee may have grown the memory, or the caller be of another
    // instance.
    // SAFETY: the caller's instance is live, and its code one of its
    // module's functions.
    let (mem_base, mem_len) = unsafe { memory(caller.vmctx, caller.code) };
    (cx.mem_len, cx.landing.mem_base) = (mem_len, mem_base);
    (cx.vmctx, cx.code) = (caller.vmctx, caller.code);
    // SAFETY: as above.
    cx.ops = unsafe { (*caller.code).ops.as_ptr() };
    // The caller resumes after its call, in its frame, with its
    // instance's memory.
    cx.resume = (caller.ret, caller.fp, mem_base);
    0
}

/// Leaves the tail call to `callee` (of signature `ty`, arguments at
/// `args`) pending for the caller of this interpreter run. Out of line, so
/// that `return_call_slow` keeps nothing on its stack whose address
/// escapes, which would stop LLVM from making its calls to the next
/// handler jumps.
///
/// # Safety
/// `args` must hold the arguments, slot by slot.
#[inline(never)]
unsafe fn leave_pending(
    callee: *const VMFunc,
    vmctx: *mut VMContext,
    ty: &wasmparser::FuncType,
    args: *mut u64,
) -> u32 {
    tail::leave_pending(callee, vmctx, ty, |buf| {
        let mut slot = 0;
        for &p in ty.params() {
            // SAFETY: the arguments lie at `args`, slot by slot (the
            // contract).
            let (v, k) = unsafe { read_val(args.add(slot), p) };
            buf.push(v);
            slot += k;
        }
    })
}

/// The base slot and callee type index of the call at `ip` (a call or tail
/// call, direct or indirect).
///
/// # Safety
/// `ip` must be such a call of `code`, the running function of `vmctx`.
#[inline(always)]
unsafe fn call_site<W: Exec>(
    ip: *const Instr<W>,
    vmctx: *mut VMContext,
    code: *const FuncCode<W>,
) -> (W, u32) {
    // SAFETY: `ip` points at an instruction (the contract).
    match unsafe { (*ip).op() } {
        Op::Call(base, func) | Op::ReturnCall(base, func) => {
            // SAFETY: `vmctx` is the live interpreted instance running the
            // call, and `func` one of its functions (the module invariants).
            (base, unsafe { func_type_index(vmctx, func) })
        }
        Op::CallIndirect(base, at)
        | Op::ReturnCallIndirect(base, at)
        | Op::CallRef(base, at)
        | Op::ReturnCallRef(base, at) => {
            // SAFETY: `code` is the running function's translation, which
            // is live (the module invariants).
            (base, unsafe { (*code).aux[at as usize] })
        }
        _ => unreachable!("a call site that is no call"),
    }
}
