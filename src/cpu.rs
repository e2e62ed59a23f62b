//! The instruction set of the CPU running this code, detected once for the whole crate.
//!
//! The explicit-SIMD kernels (the assignment solver's, in `solver::lap::kernels`, and candidate
//! mode's scan, in `scoring::screen::kernels`) dispatch on an [`Isa`]. Its AVX variants
//! carry a proof, [`Avx2`] or [`Avx512`], that only [`Isa::detect`] makes, after the CPU said it
//! has the instructions: the fields of the proofs are private to this module, so no other code
//! can make one, and an `unsafe` call of a `#[target_feature]` kernel that holds a proof rests on
//! what the compiler enforces, not on a convention.

use std::sync::OnceLock;

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
    /// The widest instruction set this CPU supports, asked of the CPU once per process (each
    /// CPUID instruction may trap to a hypervisor) and cached.
    ///
    /// `Avx512` needs AVX2 and FMA besides AVX-512F, as the compiler may use them in code
    /// compiled for `avx512f` (the target feature implies them), and candidate mode's kernels
    /// use FMA; likewise `Avx2` needs FMA (every Intel and AMD CPU with AVX2 has it).
    pub(crate) fn detect() -> Isa {
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
        match Isa::detect() {
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
        let first = Isa::detect();
        assert_eq!(Isa::detect(), first);
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
}
