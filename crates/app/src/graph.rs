//! The partnership network: organizations as nodes, confirmed public partnerships as
//! edges weighted by how many two organizations share, laid out once per change of the
//! graph (its generation, bumped in the transaction of every change) and served ready
//! to draw. The layout is deterministic: the same graph is drawn the same way everywhere.
//! The organizations' names are read again at most every [`NAMES_FOR`]: a graph names
//! 300 of them, which cost more than everything else a request does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tashbeek_domain::partnership::{GraphEdge, GraphNode, PartnershipGraph};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{OrganizationId, PartnershipId, ValidationErrors};
use tashbeek_persistence::{partnership as partnerships, reference};

use crate::context::Ctx;
use crate::error::{AppError, AppResult};

/// Most organizations drawn: those with the most partnerships.
pub const MAX_NODES: usize = 300;
/// Layouts kept per process (one per filter asked for).
const MAX_CACHED: usize = 64;
const SIZE: f64 = 1000.0;
const ITERATIONS: usize = 120;
/// How long a drawn graph's names are served before they are read again: a rename shows
/// within this time. A change of the graph itself (a partnership confirmed, ended, or no
/// longer public) shows at once.
pub const NAMES_FOR: Duration = Duration::from_secs(10);

/// A laid-out graph without names.
struct Layout {
    nodes: Vec<(OrganizationId, i32, i32, i64)>,
    edges: Vec<GraphEdge>,
    truncated: bool,
}

/// A filter's layout for one generation of the graph, and the graph named from it.
struct Entry {
    generation: i64,
    layout: Arc<Layout>,
    named: Option<(Instant, PartnershipGraph)>,
}

/// Layouts by filter, each with the generation it was computed for.
#[derive(Default)]
pub struct Cache {
    layouts: Mutex<HashMap<String, Entry>>,
    /// Held while a layout is computed: requests that miss together wait for the one
    /// computation instead of each running their own.
    computing: Mutex<()>,
}

impl Cache {
    fn get(&self, key: &str, generation: i64) -> Option<Arc<Layout>> {
        let map = self.layouts.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).filter(|e| e.generation == generation).map(|e| e.layout.clone())
    }

    /// The named graph of `key` at `generation`, if its names were read within `NAMES_FOR`.
    fn named(&self, key: &str, generation: i64) -> Option<PartnershipGraph> {
        let map = self.layouts.lock().unwrap_or_else(|e| e.into_inner());
        let (at, graph) = map.get(key).filter(|e| e.generation == generation)?.named.as_ref()?;
        (at.elapsed() < NAMES_FOR).then(|| graph.clone())
    }

    fn put(&self, key: String, generation: i64, layout: Arc<Layout>) {
        let mut map = self.layouts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_CACHED && !map.contains_key(&key) {
            // Stale generations first, else any: the next request lays it out again.
            let victim = map
                .iter()
                .find(|(_, e)| e.generation != generation)
                .or_else(|| map.iter().next())
                .map(|(k, _)| k.clone());
            if let Some(v) = victim {
                map.remove(&v);
            }
        }
        map.insert(key, Entry { generation, layout, named: None });
    }

    /// Keeps `graph` as `key`'s named graph, read at `at`, while its layout is current.
    fn keep_named(&self, key: &str, generation: i64, at: Instant, graph: &PartnershipGraph) {
        let mut map = self.layouts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = map.get_mut(key).filter(|e| e.generation == generation) {
            e.named = Some((at, graph.clone()));
        }
    }
}

/// The graph of confirmed public partnerships within `areas` (with everything below them)
/// and `sectors`.
pub fn graph(ctx: &mut Ctx, cache: &Cache, areas: &[String], sectors: &[String]) -> AppResult<PartnershipGraph> {
    let resolved = reference::resolve(ctx.conn, sectors, areas)?;
    let mut bad = ValidationErrors::default();
    if !resolved.unknown_sectors.is_empty() {
        bad.add("sector", Violation::UnknownValue);
    }
    if !resolved.unknown_areas.is_empty() {
        bad.add("area", Violation::UnknownValue);
    }
    if !bad.is_empty() {
        return Err(AppError::InvalidParameter(bad));
    }
    let mut key_areas = areas.to_vec();
    key_areas.sort();
    let mut key_sectors = sectors.to_vec();
    key_sectors.sort();
    let key = format!("{}|{}", key_areas.join(","), key_sectors.join(","));
    let generation = partnerships::graph_generation(ctx.conn)?;
    if let Some(g) = cache.named(&key, generation) {
        return Ok(g);
    }
    let layout = match cache.get(&key, generation) {
        Some(l) => l,
        None => {
            let _one = cache.computing.lock().unwrap_or_else(|e| e.into_inner());
            match cache.get(&key, generation) {
                Some(l) => l,
                None => {
                    let started = Instant::now();
                    let parties = partnerships::graph_parties(ctx.conn, areas, sectors)?;
                    let (rows, read) = (parties.len(), started.elapsed());
                    let l = Arc::new(lay_out(parties));
                    tracing::debug!(
                        filter = %key,
                        rows,
                        read_ms = read.as_millis() as u64,
                        layout_ms = (started.elapsed() - read).as_millis() as u64,
                        "partnership graph laid out"
                    );
                    cache.put(key.clone(), generation, l.clone());
                    l
                }
            }
        }
    };
    let ids: Vec<OrganizationId> = layout.nodes.iter().map(|n| n.0.clone()).collect();
    let read_at = Instant::now();
    let mut names = partnerships::names_of(ctx.conn, &ids)?;
    let graph = PartnershipGraph {
        nodes: layout
            .nodes
            .iter()
            .map(|(id, x, y, n)| {
                let (name_ar, name_en) = names.remove(id).unwrap_or_default();
                GraphNode { id: id.clone(), name_ar, name_en, x: *x, y: *y, partnerships: *n }
            })
            .collect(),
        edges: layout.edges.clone(),
        truncated: layout.truncated,
    };
    cache.keep_named(&key, generation, read_at, &graph);
    Ok(graph)
}

/// Builds the weighted graph from each partnership's parties and places it. A state's
/// graph is built from some 30,000 rows: organizations and partnerships are numbered
/// once, and everything after works on the numbers.
fn lay_out(parties: Vec<(PartnershipId, OrganizationId)>) -> Layout {
    let mut orgs: Vec<OrganizationId> = Vec::new();
    let mut org_number: HashMap<OrganizationId, usize> = HashMap::new();
    let mut partnership_number: HashMap<PartnershipId, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (p, o) in parties {
        let next = members.len();
        let at = *partnership_number.entry(p).or_insert(next);
        if at == next {
            members.push(Vec::new());
        }
        let next = orgs.len();
        let number = *org_number.entry(o.clone()).or_insert(next);
        if number == next {
            orgs.push(o);
        }
        members[at].push(number);
    }
    let mut degree = vec![0i64; orgs.len()];
    for m in &members {
        for &o in m {
            degree[o] += 1;
        }
    }
    let mut ranked: Vec<usize> = (0..orgs.len()).collect();
    ranked.sort_by(|&a, &b| degree[b].cmp(&degree[a]).then_with(|| orgs[a].cmp(&orgs[b])));
    let truncated = ranked.len() > MAX_NODES;
    ranked.truncate(MAX_NODES);
    let mut rank = vec![None; orgs.len()];
    for (r, &o) in ranked.iter().enumerate() {
        rank[o] = Some(r);
    }
    let mut weights: HashMap<(usize, usize), i64> = HashMap::new();
    for m in &members {
        let kept: Vec<usize> = m.iter().filter_map(|&o| rank[o]).collect();
        for (i, a) in kept.iter().enumerate() {
            for b in &kept[i + 1..] {
                *weights.entry(((*a).min(*b), (*a).max(*b))).or_default() += 1;
            }
        }
    }
    let mut edges: Vec<(usize, usize, i64)> = weights.into_iter().map(|((a, b), w)| (a, b, w)).collect();
    edges.sort_unstable();
    let positions = force_layout(ranked.iter().map(|&o| seed(&orgs[o])).collect(), &edges);
    Layout {
        nodes: ranked
            .iter()
            .zip(positions)
            .map(|(&o, (x, y))| (orgs[o].clone(), x.round() as i32, y.round() as i32, degree[o]))
            .collect(),
        edges: edges
            .into_iter()
            .map(|(a, b, w)| GraphEdge { source: orgs[ranked[a]].clone(), target: orgs[ranked[b]].clone(), weight: w })
            .collect(),
        truncated,
    }
}

/// A stable starting point for a node, from its id (FNV-1a).
fn seed(id: &OrganizationId) -> u64 {
    id.as_str().bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// How hard the centre pulls every node, as a share of an edge's pull.
const GRAVITY: f32 = 0.1;
/// Lanes of the repulsion loop: eight independent sums the compiler keeps in vector
/// registers.
const LANES: usize = 8;

/// Fruchterman–Reingold: nodes repel, edges pull (harder the more partnerships they
/// carry), the centre pulls a little, the moves cool down; then the drawing is fitted to
/// the square with a margin.
/// Repulsion, the n² part, runs in `f32` over all pairs in [`LANES`] lanes: a third of
/// the time of the scalar `f64` loop, and the same drawing on every machine (no fused or
/// reordered arithmetic).
fn force_layout(seeds: Vec<u64>, edges: &[(usize, usize, i64)]) -> Vec<(f64, f64)> {
    let n = seeds.len();
    if n < 2 {
        return seeds.iter().map(|_| (SIZE / 2.0, SIZE / 2.0)).collect();
    }
    let padded = n.div_ceil(LANES) * LANES;
    let (mut xs, mut ys) = (vec![0f32; padded], vec![0f32; padded]);
    for (i, s) in seeds.iter().enumerate() {
        xs[i] = ((s % 10_007) as f64 / 10_007.0 * SIZE) as f32;
        ys[i] = (((s >> 32) % 10_009) as f64 / 10_009.0 * SIZE) as f32;
    }
    // Padding slots weigh nothing.
    let mut weight = vec![0f32; padded];
    weight[..n].fill(1.0);
    let size = SIZE as f32;
    let k = (size * size / n as f32).sqrt() * 0.6;
    let k2 = k * k;
    let mut t = size / 10.0;
    let mut disp = vec![(0f32, 0f32); n];
    for _ in 0..ITERATIONS {
        for (i, d) in disp.iter_mut().enumerate() {
            // Repulsion k²/d along the unit vector (dx, dy)/d is (dx, dy)·k²/d²: no root.
            // A node's pair with itself adds 0·s.
            let (xi, yi) = (xs[i], ys[i]);
            let (mut ax, mut ay) = ([0f32; LANES], [0f32; LANES]);
            for ((cx, cy), cw) in xs.chunks_exact(LANES).zip(ys.chunks_exact(LANES)).zip(weight.chunks_exact(LANES)) {
                for l in 0..LANES {
                    let (dx, dy) = (xi - cx[l], yi - cy[l]);
                    let s = k2 * cw[l] / (dx * dx + dy * dy).max(1e-4);
                    ax[l] += dx * s;
                    ay[l] += dy * s;
                }
            }
            *d = (ax.iter().sum(), ay.iter().sum());
        }
        // Gravity: the centre pulls as an edge of weight GRAVITY would. Without it the
        // n² repulsion drove almost every node of a state's graph onto the square's edge,
        // a quarter of them onto a spot another already held.
        for (i, d) in disp.iter_mut().enumerate() {
            let (dx, dy) = (xs[i] - size / 2.0, ys[i] - size / 2.0);
            let f = GRAVITY * (dx * dx + dy * dy).sqrt() / k;
            d.0 -= dx * f;
            d.1 -= dy * f;
        }
        for &(a, b, w) in edges {
            let (dx, dy) = (xs[a] - xs[b], ys[a] - ys[b]);
            let d = (dx * dx + dy * dy).sqrt().max(0.01);
            // Attraction d²/k along the unit vector: (dx, dy)·d/k.
            let f = d / k * (1.0 + (w as f32).ln());
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for (i, (dx, dy)) in disp.iter().enumerate() {
            let len = (dx * dx + dy * dy).sqrt().max(0.01);
            let step = len.min(t) / len;
            xs[i] = (xs[i] + dx * step).clamp(0.0, size);
            ys[i] = (ys[i] + dy * step).clamp(0.0, size);
        }
        t *= 0.96;
    }
    let (xs, ys) = (&xs[..n], &ys[..n]);
    let span = |v: &[f32]| v.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &p| (lo.min(p), hi.max(p)));
    let ((min_x, max_x), (min_y, max_y)) = (span(xs), span(ys));
    let margin = 40.0;
    let fit = |v: f32, lo: f32, hi: f32| {
        if hi - lo < 1.0 {
            SIZE / 2.0
        } else {
            margin + f64::from((v - lo) / (hi - lo)) * (SIZE - 2.0 * margin)
        }
    };
    xs.iter().zip(ys).map(|(&x, &y)| (fit(x, min_x, max_x), fit(y, min_y, max_y))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(n: u32) -> OrganizationId {
        OrganizationId::parse(&format!("0193a1c2-7d3e-7f00-8a1b-{n:012x}")).unwrap()
    }

    fn partnership(n: u32) -> PartnershipId {
        PartnershipId::parse(&format!("0193a1c2-7d3e-7f00-9a1b-{n:012x}")).unwrap()
    }

    #[test]
    fn edges_count_shared_partnerships_and_the_layout_is_stable() {
        // 1–2 share two partnerships, one of them with 3 as well.
        let parties = vec![
            (partnership(1), org(1)),
            (partnership(1), org(2)),
            (partnership(2), org(1)),
            (partnership(2), org(2)),
            (partnership(2), org(3)),
        ];
        let a = lay_out(parties.clone());
        let weight = |x: u32, y: u32| {
            a.edges
                .iter()
                .find(|e| (e.source == org(x) && e.target == org(y)) || (e.source == org(y) && e.target == org(x)))
                .map(|e| e.weight)
        };
        assert_eq!((weight(1, 2), weight(1, 3), weight(2, 3)), (Some(2), Some(1), Some(1)));
        assert_eq!(a.nodes.iter().map(|n| n.3).collect::<Vec<_>>(), [2, 2, 1]);
        let b = lay_out(parties.into_iter().rev().collect());
        assert_eq!(a.nodes, b.nodes, "the same graph is drawn the same way");
        assert!(a.nodes.iter().all(|n| (0..=1000).contains(&n.1) && (0..=1000).contains(&n.2)));
        let distinct: std::collections::HashSet<_> = a.nodes.iter().map(|n| (n.1, n.2)).collect();
        assert_eq!(distinct.len(), 3, "no two organizations on one spot");
    }

    #[test]
    fn a_state_of_unlinked_organizations_is_spread_over_the_square_not_piled_on_its_edge() {
        // A state's 300 busiest organizations seldom share a partnership with each other:
        // the drawing is mostly repulsion.
        let parties: Vec<_> = (0..300).map(|n| (partnership(n), org(n))).collect();
        let nodes = lay_out(parties).nodes;
        let on_edge = nodes.iter().filter(|n| n.1 <= 45 || n.1 >= 955 || n.2 <= 45 || n.2 >= 955).count();
        assert!(on_edge < 30, "{on_edge} of 300 organizations drawn on the square's edge");
        let nearest = nodes
            .iter()
            .enumerate()
            .flat_map(|(i, a)| {
                nodes[i + 1..].iter().map(move |b| f64::from((a.1 - b.1).pow(2) + (a.2 - b.2).pow(2)).sqrt())
            })
            .fold(f64::MAX, f64::min);
        assert!(nearest >= 15.0, "two organizations drawn {nearest:.1} apart: their circles overlap");
    }

    #[test]
    fn names_are_kept_for_a_while_and_never_past_a_change_of_the_graph() {
        let cache = Cache::default();
        let layout = Arc::new(lay_out(vec![(partnership(1), org(1)), (partnership(1), org(2))]));
        let named = PartnershipGraph { nodes: vec![], edges: vec![], truncated: false };
        cache.put("k".into(), 7, layout.clone());
        assert_eq!(cache.named("k", 7), None, "laid out, not yet named");
        cache.keep_named("k", 7, Instant::now(), &named);
        assert_eq!(cache.named("k", 7), Some(named.clone()));
        assert_eq!(cache.named("k", 8), None, "the graph changed: names and layout are read again");
        cache.keep_named("k", 8, Instant::now(), &named);
        assert_eq!(cache.named("k", 8), None, "names are kept only with their layout");
        let long_ago = Instant::now().checked_sub(NAMES_FOR + Duration::from_secs(1)).unwrap();
        cache.keep_named("k", 7, long_ago, &named);
        assert_eq!(cache.named("k", 7), None, "names older than NAMES_FOR are read again");
        assert!(cache.get("k", 7).is_some(), "the layout itself stays");
    }

    #[test]
    fn only_the_best_connected_are_drawn() {
        let parties: Vec<_> = (0..(MAX_NODES as u32 + 10))
            .flat_map(|i| [(partnership(i), org(0)), (partnership(i), org(i + 1))])
            .collect();
        let l = lay_out(parties);
        assert!(l.truncated);
        assert_eq!(l.nodes.len(), MAX_NODES);
        assert_eq!(l.nodes[0], (org(0), l.nodes[0].1, l.nodes[0].2, MAX_NODES as i64 + 10));
    }
}
