//! Deterministic synthetic data: a small seeded PRNG and AR(1) noise, used by the built-in demo
//! incident and by the labelled scenario suite. No I/O, no web types, no dependency.

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed; the same seed gives the same stream on every platform.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
    }
}

/// AR(1) noise `e[t] = phi·e[t−1] + w[t]` scaled so its stationary standard deviation is `sigma`.
pub fn ar1_noise(rng: &mut Rng, n: usize, phi: f64, sigma: f64) -> Vec<f64> {
    let innovation = sigma * (1.0 - phi * phi).max(0.0).sqrt();
    let mut e = sigma * rng.normal();
    (0..n)
        .map(|_| {
            e = phi * e + innovation * rng.normal();
            e
        })
        .collect()
}
