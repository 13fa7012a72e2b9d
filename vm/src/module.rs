//! The decoded, validated module that tiers translate from.

use std::ops::Range;
use std::sync::Arc;
use wasmparser::{
    BinaryReader, FuncType, FunctionBody, GlobalType, MemArg, MemArgTarget, MemoryType, RefType,
    TableType,
};

/// The memory a load or store names.
pub fn memory_index(m: &MemArg) -> u32 {
    match m.target {
        MemArgTarget::Memory(i) => i,
        MemArgTarget::Array(_) => unreachable!("validated: no GC array accesses"),
    }
}

/// Everything about a module a tier needs to translate its functions. The
/// runtime builds it once per module after validation; tiers may assume the
/// module is valid.
#[derive(Clone, Debug)]
pub struct ModuleEnv {
    /// The type section.
    pub types: Vec<FuncType>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// The type index of each tag, imported ones first.
    pub tags: Vec<u32>,
    /// The element type of each element segment.
    pub elem_types: Vec<RefType>,
    /// The module binary, which function bodies point into.
    pub bytes: Arc<[u8]>,
    /// Byte range of each local function's body, by local index.
    pub bodies: Vec<Range<usize>>,
    /// Function names from the name section, by function index.
    pub func_names: std::collections::HashMap<u32, String>,
    /// What the code must check as it runs (the engine's configuration).
    pub checks: Checks,
    /// The instruction-set extensions compiled code may use.
    pub cpu: CpuFeatures,
}

/// Checks an engine's code makes for its embedder, which both tiers make
/// at the same points; with neither, code carries no trace of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    /// At every loop header, and the entry of every function that calls:
    /// whether the engine's epoch
    /// has reached the store's deadline
    /// ([`VMContext::epoch_reached`](crate::VMContext::epoch_reached)).
    pub epoch: bool,
    /// At the start of every block: charge its [fuel](crate::fuel).
    pub fuel: bool,
}

/// The extensions beyond the JIT's baseline (x86-64 with SSE4.1, POPCNT,
/// LZCNT and BMI1) that compiled code may use: chosen once per engine from
/// what the CPU has and what the embedder allows, so that every function
/// of an engine is compiled alike.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuFeatures {
    /// The VEX (AVX) forms of vector instructions: a destination apart
    /// from the operands, so no copy before each destructive operation.
    pub avx: bool,
}

impl ModuleEnv {
    /// An empty environment over a module binary, for a decoder to fill.
    pub fn new(bytes: Arc<[u8]>) -> ModuleEnv {
        ModuleEnv {
            types: Vec::new(),
            funcs: Vec::new(),
            num_imported_funcs: 0,
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elem_types: Vec::new(),
            bytes,
            bodies: Vec::new(),
            func_names: Default::default(),
            checks: Checks::default(),
            cpu: CpuFeatures::default(),
        }
    }

    /// The signature of function `func_index`.
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }

    /// Whether local function `func_index` calls anything: where it does
    /// not, its entry needs no epoch check ([`Checks::epoch`]), since
    /// code that neither calls nor loops ends soon, and its loops have
    /// their own checks.
    pub fn makes_calls(&self, func_index: u32) -> bool {
        let Ok(mut ops) = self.body(func_index).get_operators_reader() else {
            return true;
        };
        while !ops.eof() {
            match ops.read() {
                Ok(
                    wasmparser::Operator::Call { .. }
                    | wasmparser::Operator::CallIndirect { .. }
                    | wasmparser::Operator::ReturnCall { .. }
                    | wasmparser::Operator::CallRef { .. }
                    | wasmparser::Operator::ReturnCallIndirect { .. }
                    | wasmparser::Operator::ReturnCallRef { .. },
                ) => return true,
                Ok(_) => {}
                Err(_) => return true,
            }
        }
        false
    }

    /// Whether memory `index` is 64-bit (memory64).
    pub fn memory64(&self, index: u32) -> bool {
        self.memories[index as usize].memory64
    }

    /// Whether table `index` is 64-bit (table64).
    pub fn table64(&self, index: u32) -> bool {
        self.tables[index as usize].table64
    }

    /// The body of function `func_index`, which must not be imported.
    pub fn body(&self, func_index: u32) -> FunctionBody<'_> {
        let range = self.bodies[(func_index - self.num_imported_funcs) as usize].clone();
        let start = range.start as u64;
        FunctionBody::new(BinaryReader::new(&self.bytes[range], start))
    }
}
