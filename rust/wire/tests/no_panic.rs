//! Every decoder and parser of the crate, fed random bytes and corrupted
//! valid messages: each returns a value or an error, and never panics or
//! reads out of bounds (the test would crash). A deterministic generator
//! keeps failures reproducible.

use wire::fuzzing::TARGETS;

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = self.next() as u8;
        }
    }
}

/// Runs every fuzzing entry point on `buf`.
fn decode_all(buf: &[u8]) {
    for (_, target) in TARGETS {
        target(buf);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5eed);
    let mut buf = vec![0u8; 4096];
    for _ in 0..20_000 {
        let len = rng.below(buf.len() + 1);
        rng.fill(&mut buf[..len]);
        decode_all(&buf[..len]);
    }
}

#[test]
fn corrupted_valid_messages_never_panic() {
    let mut rng = Rng(0xc0ffee);
    // Valid openings: magics in place, so the decoders get past them.
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for magic in [
        0x4572_6963u32,
        0xacce_7100,
        0x0bd1_0bd0,
        0x0bd3_0bd0,
        0x7069_6e67,
        0x0bd0_0bd3,
        wire::lustre::cfg::LUSTRE_CFG_VERSION,
    ] {
        for order in [u32::to_le_bytes, u32::to_be_bytes] {
            let mut v = vec![0u8; 512];
            v[..4].copy_from_slice(&order(magic));
            seeds.push(v);
        }
    }
    // An llog record, whose type sits after its length and index.
    let mut rec = vec![0u8; 512];
    rec[..4].copy_from_slice(&512u32.to_le_bytes());
    rec[8..12].copy_from_slice(&wire::lustre::llog::OBD_CFG_REC.to_le_bytes());
    rec[16..20].copy_from_slice(&wire::lustre::cfg::LUSTRE_CFG_VERSION.to_le_bytes());
    seeds.push(rec);
    for seed in &seeds {
        for _ in 0..2_000 {
            let mut v = seed.clone();
            for _ in 0..1 + rng.below(8) {
                let i = 4 + rng.below(v.len() - 4);
                v[i] = rng.next() as u8;
            }
            let len = rng.below(v.len() + 1);
            decode_all(&v[..len]);
        }
    }
    // Strings of the characters that NIDs, networks and sources use.
    let alphabet = b"tcp0123456789.@:/(),o2iblx ";
    for _ in 0..20_000 {
        let len = rng.below(40);
        let s: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        decode_all(&s);
    }
}
