//! The instruction set the hot loops run on: the widest the CPU has, detected once for the
//! whole crate, or the one the environment variable `CITYPAIR_ISA` names.
//!
//! `CITYPAIR_ISA=portable|avx2|avx512` forces a kernel set, so that every path can be measured
//! on one machine (an AVX-512 CPU also runs the AVX2 and portable kernels). It may only choose
//! a set the CPU has: an unknown value, or a set the CPU lacks, is reported by
//! [`check_environment`] (the command-line tool calls it first and exits with status 2) and is
//! otherwise ignored, the widest set the CPU has being used. [`instruction_set`] names the set
//! in use. Results are the same on every path (each kernel is tested against the portable one).
//!
//! The explicit-SIMD kernels (the assignment solver's, in `solver::lap::kernels`, and candidate
//! mode's scan, in `scoring::screen::kernels`) dispatch on a crate-private `Isa`. Its AVX
//! variants carry a proof, `Avx2` or `Avx512`, that only this module makes, after the CPU said
//! it has the instructions (a forced set is one of those the CPU has): the fields of the proofs are private to this module, so no other code
//! can make one, and an `unsafe` call of a `#[target_feature]` kernel that holds a proof rests on
//! what the compiler enforces, not on a convention.

use std::sync::OnceLock;

use crate::error::{Error, Location, Result};

/// The environment variable that forces a kernel set.
pub const ISA_VARIABLE: &str = "CITYPAIR_ISA";

/// The name of the instruction set the hot loops run on: `"portable"`, `"avx2"` or
/// `"avx512"` (see the [module documentation](self)).
///
/// ```
/// assert!(["portable", "avx2", "avx512"].contains(&citypair::cpu::instruction_set()));
/// ```
pub fn instruction_set() -> &'static str {
    Isa::detect().name()
}

/// The instruction sets this CPU can run, narrowest first: `"portable"`, then `"avx2"` and
/// `"avx512"` where the CPU has them.
pub fn available_instruction_sets() -> Vec<&'static str> {
    let widest = Isa::widest();
    let mut all = vec!["portable"];
    if widest != Isa::Portable {
        all.push("avx2");
    }
    #[cfg(target_arch = "x86_64")]
    if matches!(widest, Isa::Avx512(_)) {
        all.push("avx512");
    }
    all
}

/// Checks the `CITYPAIR_ISA` environment variable: unset or empty, or the name of a set the
/// CPU has, is fine.
///
/// # Errors
/// [`Error::Invalid`] (location `parameter CITYPAIR_ISA`) naming the value and the sets this
/// CPU has, when the value is unknown or names a set the CPU lacks (the widest set is then
/// used, as if the variable were unset).
pub fn check_environment() -> Result<()> {
    match std::env::var(ISA_VARIABLE) {
        Ok(value) => forced(&value).map(|_| ()),
        Err(std::env::VarError::NotPresent) => Ok(()),
        Err(std::env::VarError::NotUnicode(_)) => Err(bad_value("(not UTF-8)")),
    }
}

fn bad_value(value: &str) -> Error {
    Error::invalid(
        Location::parameter(ISA_VARIABLE),
        format!(
            "{value:?} is not an instruction set of this CPU: use one of {} (or leave \
             {ISA_VARIABLE} unset for the widest)",
            available_instruction_sets().join(", ")
        ),
    )
}

/// The set `value` forces: `None` for an empty value.
fn forced(value: &str) -> Result<Option<Isa>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let widest = Isa::widest();
    let isa = match value {
        "portable" => Some(Isa::Portable),
        #[cfg(target_arch = "x86_64")]
        "avx2" => match widest {
            Isa::Avx2(p) => Some(Isa::Avx2(p)),
            // AVX-512F with AVX2 and FMA implies AVX2 with FMA.
            Isa::Avx512(_) => Some(Isa::Avx2(Avx2(()))),
            Isa::Portable => None,
        },
        #[cfg(target_arch = "x86_64")]
        "avx512" => match widest {
            Isa::Avx512(p) => Some(Isa::Avx512(p)),
            _ => None,
        },
        _ => None,
    };
    isa.map(Some).ok_or_else(|| bad_value(value))
}

/// Which instruction set the hot loops are compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// The build's baseline target features.
    Portable,
    /// AVX2 with FMA (x86-64), detected at run time.
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    /// AVX-512F with AVX2 and FMA (x86-64), detected at run time.
    #[cfg(target_arch = "x86_64")]
    Avx512(Avx512),
}

/// Proof that the CPU running this code supports AVX2 and FMA: only [`Isa::detect`] makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Avx2(());

/// Proof that the CPU running this code supports AVX-512F, AVX2 and FMA: only [`Isa::detect`]
/// makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Avx512(());

impl Isa {
    /// The instruction set in use: the one `CITYPAIR_ISA` forces when it names a set the CPU
    /// has, otherwise the widest ([`Isa::widest`]). Read once per process and cached.
    pub(crate) fn detect() -> Isa {
        static IN_USE: OnceLock<Isa> = OnceLock::new();
        *IN_USE.get_or_init(|| {
            std::env::var(ISA_VARIABLE)
                .ok()
                .and_then(|v| forced(&v).ok().flatten())
                .unwrap_or_else(Isa::widest)
        })
    }

    /// Its name: `portable`, `avx2` or `avx512`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2(_) => "avx2",
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512(_) => "avx512",
        }
    }

    /// The widest instruction set this CPU supports, asked of the CPU once per process (each
    /// CPUID instruction may trap to a hypervisor) and cached.
    ///
    /// `Avx512` needs AVX2 and FMA besides AVX-512F, as the compiler may use them in code
    /// compiled for `avx512f` (the target feature implies them), and candidate mode's kernels
    /// use FMA; likewise `Avx2` needs FMA (every Intel and AMD CPU with AVX2 has it).
    pub(crate) fn widest() -> Isa {
        static DETECTED: OnceLock<Isa> = OnceLock::new();
        *DETECTED.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                use std::arch::is_x86_feature_detected as has;
                let avx2 = has!("avx2") && has!("fma");
                if avx2 && has!("avx512f") {
                    return Isa::Avx512(Avx512(()));
                }
                if avx2 {
                    return Isa::Avx2(Avx2(()));
                }
            }
            Isa::Portable
        })
    }

    /// Every instruction set this CPU can run, the portable one first and [`Isa::detect`]'s
    /// last (for tests that check each kernel against the portable one).
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Isa> {
        let mut all = vec![Isa::Portable];
        match Isa::widest() {
            Isa::Portable => {}
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2(p) => all.push(Isa::Avx2(p)),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512(p) => {
                // AVX-512F with AVX2 and FMA implies AVX2 with FMA.
                all.push(Isa::Avx2(Avx2(())));
                all.push(Isa::Avx512(p));
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached answer is the first one, and matches what the CPU says.
    #[test]
    fn detection_is_cached_and_matches_the_cpu() {
        let first = Isa::widest();
        assert_eq!(Isa::widest(), first);
        #[cfg(target_arch = "x86_64")]
        {
            let f = |name: &str| match name {
                "avx2" => std::arch::is_x86_feature_detected!("avx2"),
                "fma" => std::arch::is_x86_feature_detected!("fma"),
                _ => std::arch::is_x86_feature_detected!("avx512f"),
            };
            let want = if f("avx2") && f("fma") && f("avx512f") {
                Isa::Avx512(Avx512(()))
            } else if f("avx2") && f("fma") {
                Isa::Avx2(Avx2(()))
            } else {
                Isa::Portable
            };
            assert_eq!(first, want);
        }
        assert_eq!(Isa::available()[0], Isa::Portable);
        assert_eq!(Isa::available().last(), Some(&first));
    }

    #[test]
    fn forced_sets_are_checked_against_the_cpu() {
        assert_eq!(forced("").unwrap(), None);
        assert_eq!(forced(" portable ").unwrap(), Some(Isa::Portable));
        for name in available_instruction_sets() {
            assert_eq!(forced(name).unwrap().map(Isa::name), Some(name));
        }
        for bad in ["sse2", "AVX2", "avx-512", "neon"] {
            let e = forced(bad).unwrap_err().to_string();
            assert!(e.contains("CITYPAIR_ISA") && e.contains(bad), "{e}");
        }
        if !available_instruction_sets().contains(&"avx512") {
            assert!(forced("avx512").is_err());
        }
    }
}
