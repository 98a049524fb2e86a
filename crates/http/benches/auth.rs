//! Costs on the authentication path: JWT verification runs on every signed-in request;
//! argon2id hashing runs on every sign-in (and bounds login throughput by design).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tashbeek_http::auth::{hash_password, verify_password, JwtKeys};
use tashbeek_http::Settings;

fn bench(c: &mut Criterion) {
    let keys = JwtKeys::new(b"a benchmark secret that is long enough for HS256 keys");
    let claims = serde_json::json!({"sub": "0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f", "sid": "0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e70", "role": "user", "iat": 1_900_000_000i64, "exp": 4_000_000_000i64});
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"a benchmark secret that is long enough for HS256 keys"),
    )
    .expect("token");
    assert!(keys.verify(&token, 1_900_000_000).is_some(), "the benchmark measures a valid token");
    c.bench_function("jwt: verify an access token", |b| b.iter(|| keys.verify(black_box(&token), 1_900_000_000)));
    let settings = Settings::default();
    let hash = hash_password(&settings, "correct horse battery").expect("hash");
    let mut g = c.benchmark_group("argon2id (default cost: 19 MiB, 2 passes)");
    g.sample_size(10);
    g.bench_function("hash a password", |b| b.iter(|| hash_password(&settings, black_box("correct horse battery"))));
    g.bench_function("verify a password", |b| b.iter(|| verify_password(black_box("correct horse battery"), &hash)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
