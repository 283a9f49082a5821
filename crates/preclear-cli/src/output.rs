//! Standard output that never panics. `println!` panics when the reader has gone away
//! (`preclear kb check kb | head -1`: a broken pipe); `outln!` and `out!` write the same text
//! and, on a broken pipe, end the process quietly with success, as `head`'s reader expects; on
//! any other write error they end it with status 1 and the error on standard error.

use std::io::Write as _;

/// Writes formatted text to standard output (see the module).
pub(crate) fn write(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut out = std::io::stdout().lock();
    let written =
        out.write_fmt(args).and_then(|()| if newline { out.write_all(b"\n") } else { Ok(()) });
    if let Err(error) = written {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("preclear: cannot write to standard output: {error}");
        std::process::exit(1);
    }
}

/// `println!` that does not panic on a closed pipe.
macro_rules! outln {
    () => { $crate::output::write(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*), true) };
}

/// `print!` that does not panic on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*), false) };
}
