//! Random modules using the legacy exception-handling opcodes (`try`,
//! `catch`, `catch_all`, `rethrow`, `delegate`), which wasm-smith does not
//! generate: functions that nest them with blocks, counted loops, calls,
//! conditional throws and branches, and record what ran in an exported
//! global, so that every path an exception takes shows in the results.
//!
//! Every module is valid by construction: all blocks take and leave
//! nothing but the `try`s of type `[] -> [i32]`, branches go only to
//! labels that take nothing (never back to a loop: every loop counts down
//! a local of its own), and calls go only to later functions, so every
//! call ends.

/// What a label of the function being generated is.
#[derive(Clone, Copy, PartialEq)]
enum Label {
    /// The function's body: a branch to it would return an `i32`.
    Func,
    /// A `block`, or a `try` of type `[] -> []`: a branch to it carries
    /// nothing.
    Plain,
    /// A `try` of type `[] -> [i32]`: not a branch target here.
    Valued,
    Loop,
    /// A catch clause of a `try` of type `[] -> []`, whose exception
    /// `rethrow` can throw again.
    Catch,
    /// A catch clause of a `try` of type `[] -> [i32]`.
    ValuedCatch,
}

struct Gen {
    state: u64,
    out: String,
    /// The labels around the code being generated, innermost last.
    labels: Vec<Label>,
    /// Statements still to generate in this function.
    budget: u32,
    loops: u32,
    func: u32,
    funcs: u32,
}

impl Gen {
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % n as u64) as u32
    }

    fn emit(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// A condition that holds for some values of `$acc`.
    fn cond(&mut self) -> String {
        let mask = [1, 3, 7, 5][self.below(4) as usize];
        let value = self.below(mask + 1) & mask;
        format!("(i32.eq (i32.and (local.get $acc) (i32.const {mask})) (i32.const {value}))")
    }

    /// The relative depths of the labels of `kinds`, innermost first.
    fn depths(&self, kinds: &[Label]) -> Vec<usize> {
        let n = self.labels.len();
        (0..n)
            .filter(|&d| kinds.contains(&self.labels[n - 1 - d]))
            .collect()
    }

    fn statements(&mut self, depth: u32) {
        let n = 1 + self.below(4);
        for _ in 0..n {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            self.statement(depth);
        }
    }

    fn statement(&mut self, depth: u32) {
        let k = self.below(if depth >= 4 { 9 } else { 15 });
        match k {
            0 | 1 => {
                let m = self.below(1000);
                self.emit(&format!(
                    "(local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (i32.const {m})))"
                ));
            }
            2 => self.emit("(global.set $trace (i32.add (i32.mul (global.get $trace) (i32.const 7)) (local.get $acc)))"),
            3 => {
                let c = self.cond();
                self.emit(&format!("(if {c} (then (throw $e0 (local.get $acc))))"));
            }
            4 => {
                let c = self.cond();
                self.emit(&format!("(if {c} (then (throw $e1)))"));
            }
            5 if self.func + 1 < self.funcs => {
                let callee = self.func + 1 + self.below(self.funcs - self.func - 1);
                self.emit(&format!(
                    "(local.set $acc (i32.add (local.get $acc) (call $f{callee} (local.get $acc))))"
                ));
            }
            6 => {
                let targets = self.depths(&[Label::Plain, Label::Catch]);
                if !targets.is_empty() {
                    let d = targets[self.below(targets.len() as u32) as usize];
                    let c = self.cond();
                    self.emit(&format!("(br_if {d} {c})"));
                }
            }
            7 => {
                let targets = self.depths(&[Label::Catch, Label::ValuedCatch]);
                if let Some(&d) = targets.get(self.below(targets.len() as u32 + 1) as usize) {
                    // Inside the `if`, one label more.
                    let c = self.cond();
                    self.emit(&format!("(if {c} (then (rethrow {})))", d + 1));
                }
            }
            8 => {
                let c = self.cond();
                self.emit(&format!("(if {c} (then (return (local.get $acc))))"));
            }
            9 | 10 => self.try_catch(depth, false),
            11 => self.try_catch(depth, true),
            12 => self.try_delegate(depth),
            13 if self.loops < 4 => {
                let i = self.loops;
                self.loops += 1;
                let count = 1 + self.below(4);
                self.emit(&format!("(local.set $i{i} (i32.const {count}))"));
                self.emit("loop");
                self.labels.push(Label::Loop);
                self.statements(depth + 1);
                self.emit(&format!(
                    "(local.set $i{i} (i32.sub (local.get $i{i}) (i32.const 1)))\n(br_if 0 (local.get $i{i}))"
                ));
                self.labels.pop();
                self.emit("end");
            }
            _ => {
                self.emit("block");
                self.labels.push(Label::Plain);
                self.statements(depth + 1);
                self.labels.pop();
                self.emit("end");
            }
        }
    }

    /// `try` with some catch clauses; of type `[] -> [i32]` if `valued`
    /// (its value goes into `$acc`).
    fn try_catch(&mut self, depth: u32, valued: bool) {
        let (body, clause) = match valued {
            false => (Label::Plain, Label::Catch),
            true => (Label::Valued, Label::ValuedCatch),
        };
        self.emit(if valued { "try (result i32)" } else { "try" });
        self.labels.push(body);
        self.statements(depth + 1);
        if valued {
            self.emit("(local.get $acc)");
        }
        self.labels.pop();
        let clauses = self.below(8);
        for (bit, head) in [(1, "catch $e0"), (2, "catch $e1"), (4, "catch_all")] {
            if clauses & bit == 0 {
                continue;
            }
            self.emit(head);
            if bit == 1 {
                // The payload.
                self.emit("local.get $acc\ni32.xor\nlocal.set $acc");
            }
            self.labels.push(clause);
            self.statements(depth + 1);
            self.labels.pop();
            if valued {
                let m = self.below(100);
                self.emit(&format!("(i32.add (local.get $acc) (i32.const {m}))"));
            }
        }
        self.emit("end");
        if valued {
            self.emit("(local.set $acc)");
        }
    }

    /// `try ... delegate` to a random label around it.
    fn try_delegate(&mut self, depth: u32) {
        self.emit("try");
        self.labels.push(Label::Plain);
        self.statements(depth + 1);
        self.labels.pop();
        let to = self.below(self.labels.len() as u32);
        self.emit(&format!("delegate {to}"));
    }
}

/// The text of the module for `seed`.
pub fn module(seed: u64) -> String {
    let mut g = Gen {
        state: seed ^ 0x1e9a_c7e5_0000_0000,
        out: String::new(),
        labels: Vec::new(),
        budget: 0,
        loops: 0,
        func: 0,
        funcs: 2 + (seed % 3) as u32,
    };
    g.emit("(module");
    g.emit("(tag $e0 (param i32))");
    g.emit("(tag $e1)");
    g.emit("(global $trace (export \"trace\") (mut i32) (i32.const 0))");
    for f in 0..g.funcs {
        g.func = f;
        g.budget = 10 + g.below(30);
        g.loops = 0;
        g.labels = vec![Label::Func];
        g.emit(&format!(
            "(func $f{f} (export \"f{f}\") (param $p i32) (result i32) (local $acc i32) (local $i0 i32) (local $i1 i32) (local $i2 i32) (local $i3 i32)"
        ));
        let start = g.below(64);
        g.emit(&format!(
            "(local.set $acc (i32.add (local.get $p) (i32.const {start})))"
        ));
        while g.budget > 0 {
            g.budget -= 1;
            g.statement(0);
        }
        g.emit("(local.get $acc))");
    }
    g.emit(")");
    g.out
}
