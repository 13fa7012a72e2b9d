//! WASI errno values, and how host errors map onto them.
//!
//! WASI numbers its errors alphabetically, not as Linux does, so every host
//! error is translated; one the guest could not act on becomes `EIO`.

use rustix::io::Errno as Host;

/// A WASI errno: what every `wasi_snapshot_preview1` function returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub u16);

macro_rules! errnos {
    ($($name:ident = $value:literal $(<- $host:ident)?,)*) => {
        impl Errno {
            $(pub const $name: Errno = Errno($value);)*
        }

        impl From<Host> for Errno {
            fn from(e: Host) -> Errno {
                match e {
                    $($(Host::$host => Errno::$name,)?)*
                    _ => Errno::IO,
                }
            }
        }
    };
}

errnos! {
    SUCCESS = 0,
    TOOBIG = 1 <- TOOBIG,
    ACCES = 2 <- ACCESS,
    ADDRINUSE = 3 <- ADDRINUSE,
    ADDRNOTAVAIL = 4 <- ADDRNOTAVAIL,
    AFNOSUPPORT = 5 <- AFNOSUPPORT,
    AGAIN = 6 <- AGAIN,
    ALREADY = 7 <- ALREADY,
    BADF = 8 <- BADF,
    BADMSG = 9 <- BADMSG,
    BUSY = 10 <- BUSY,
    CANCELED = 11 <- CANCELED,
    CHILD = 12 <- CHILD,
    CONNABORTED = 13 <- CONNABORTED,
    CONNREFUSED = 14 <- CONNREFUSED,
    CONNRESET = 15 <- CONNRESET,
    DEADLK = 16 <- DEADLK,
    DESTADDRREQ = 17 <- DESTADDRREQ,
    DOM = 18 <- DOM,
    DQUOT = 19 <- DQUOT,
    EXIST = 20 <- EXIST,
    FAULT = 21 <- FAULT,
    FBIG = 22 <- FBIG,
    HOSTUNREACH = 23 <- HOSTUNREACH,
    IDRM = 24 <- IDRM,
    ILSEQ = 25 <- ILSEQ,
    INPROGRESS = 26 <- INPROGRESS,
    INTR = 27 <- INTR,
    INVAL = 28 <- INVAL,
    IO = 29 <- IO,
    ISCONN = 30 <- ISCONN,
    ISDIR = 31 <- ISDIR,
    LOOP = 32 <- LOOP,
    MFILE = 33 <- MFILE,
    MLINK = 34 <- MLINK,
    MSGSIZE = 35 <- MSGSIZE,
    MULTIHOP = 36 <- MULTIHOP,
    NAMETOOLONG = 37 <- NAMETOOLONG,
    NETDOWN = 38 <- NETDOWN,
    NETRESET = 39 <- NETRESET,
    NETUNREACH = 40 <- NETUNREACH,
    NFILE = 41 <- NFILE,
    NOBUFS = 42 <- NOBUFS,
    NODEV = 43 <- NODEV,
    NOENT = 44 <- NOENT,
    NOEXEC = 45 <- NOEXEC,
    NOLCK = 46 <- NOLCK,
    NOLINK = 47 <- NOLINK,
    NOMEM = 48 <- NOMEM,
    NOMSG = 49 <- NOMSG,
    NOPROTOOPT = 50 <- NOPROTOOPT,
    NOSPC = 51 <- NOSPC,
    NOSYS = 52 <- NOSYS,
    NOTCONN = 53 <- NOTCONN,
    NOTDIR = 54 <- NOTDIR,
    NOTEMPTY = 55 <- NOTEMPTY,
    NOTRECOVERABLE = 56 <- NOTRECOVERABLE,
    NOTSOCK = 57 <- NOTSOCK,
    NOTSUP = 58 <- NOTSUP,
    NOTTY = 59 <- NOTTY,
    NXIO = 60 <- NXIO,
    OVERFLOW = 61 <- OVERFLOW,
    OWNERDEAD = 62 <- OWNERDEAD,
    PERM = 63 <- PERM,
    PIPE = 64 <- PIPE,
    PROTO = 65 <- PROTO,
    PROTONOSUPPORT = 66 <- PROTONOSUPPORT,
    PROTOTYPE = 67 <- PROTOTYPE,
    RANGE = 68 <- RANGE,
    ROFS = 69 <- ROFS,
    SPIPE = 70 <- SPIPE,
    SRCH = 71 <- SRCH,
    STALE = 72 <- STALE,
    TIMEDOUT = 73 <- TIMEDOUT,
    TXTBSY = 74 <- TXTBSY,
    XDEV = 75 <- XDEV,
    NOTCAPABLE = 76,
}

impl From<std::io::Error> for Errno {
    fn from(e: std::io::Error) -> Errno {
        match e.raw_os_error() {
            Some(raw) => Host::from_raw_os_error(raw).into(),
            None => Errno::IO,
        }
    }
}

impl From<Host> for Fail {
    fn from(e: Host) -> Fail {
        Fail::Errno(e.into())
    }
}

impl From<Errno> for Fail {
    fn from(e: Errno) -> Fail {
        Fail::Errno(e)
    }
}

/// Why a WASI call did not succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fail {
    /// The call returns this errno to the guest.
    Errno(Errno),
    /// The call traps, as the preview 1 spec asks for a pointer outside
    /// memory or misaligned and for an argument outside its enum or flags
    /// (wasmtime ends the run there too): the run ends with this message.
    Trap(&'static str),
}

/// What a WASI function's body returns.
pub type WasiResult<T = ()> = Result<T, Fail>;

/// What a step that can only fail with an errno returns.
pub type ErrnoResult<T = ()> = Result<T, Errno>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_errors_map_by_meaning_not_number() {
        assert_eq!(Errno::from(Host::NOENT), Errno::NOENT);
        assert_eq!(Errno::NOENT.0, 44);
        assert_eq!(Errno::from(Host::ACCESS), Errno::ACCES);
        assert_eq!(Errno::from(Host::LOOP), Errno::LOOP);
        assert_eq!(Errno::from(Host::NOTEMPTY), Errno::NOTEMPTY);
        assert_eq!(Errno::from(Host::OPNOTSUPP), Errno::NOTSUP);
        let io = std::io::Error::from_raw_os_error(Host::EXIST.raw_os_error());
        assert_eq!(Errno::from(io), Errno::EXIST);
    }
}
