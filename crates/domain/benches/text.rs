//! Hot pure functions of the directory: Arabic normalization (every write and every
//! search) and cursor encoding (every page).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tashbeek_domain::page::Cursor;
use tashbeek_domain::text::{normalize, query_terms};

fn bench(c: &mut Criterion) {
    let name = "جَمْعِيَّةُ الأَمَلِ الخَيْرِيَّة بشـــندي للتنمية والإغاثة ٢٠٢٤ — Al-Amal Charity Society";
    let description = "تعمل المنظمة في محليتي شندي والمتمة: عيادات طبية، ورعاية تخصصية، وتعليم، وتدريب وتأهيل، ومنح للطلاب المتفوقين، وخدمات لذوي الإعاقة، ودعم للنساء المعيلات.".repeat(3);
    c.bench_function("normalize: organization name (80 chars)", |b| b.iter(|| normalize(black_box(name))));
    c.bench_function("normalize: description (~450 chars)", |b| b.iter(|| normalize(black_box(&description))));
    c.bench_function("query_terms: two-word query", |b| b.iter(|| query_terms(black_box("جمعيه الامل"))));
    let cursor = Cursor { k: normalize(name), id: "0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f".into() };
    let encoded = cursor.encode();
    c.bench_function("cursor: encode", |b| b.iter(|| black_box(&cursor).encode()));
    c.bench_function("cursor: decode", |b| b.iter(|| Cursor::decode(black_box(&encoded))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
