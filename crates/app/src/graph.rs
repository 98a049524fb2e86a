//! The partnership network: organizations as nodes, confirmed public partnerships as
//! edges weighted by how many two organizations share, laid out once per change of the
//! graph (its generation, bumped in the transaction of every change) and served ready
//! to draw. The layout is deterministic: the same graph is drawn the same way everywhere.
//! The organizations' names are read again at most every [`NAMES_FOR`]: a graph names
//! 300 of them, which cost more than everything else a request does.

use std::collections::{BTreeMap, HashMap};
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
                    let l = Arc::new(lay_out(partnerships::graph_parties(ctx.conn, areas, sectors)?));
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

/// Builds the weighted graph from each partnership's parties and places it.
fn lay_out(parties: Vec<(PartnershipId, OrganizationId)>) -> Layout {
    let mut by_partnership: BTreeMap<PartnershipId, Vec<OrganizationId>> = BTreeMap::new();
    for (p, o) in parties {
        by_partnership.entry(p).or_default().push(o);
    }
    let mut degree: HashMap<OrganizationId, i64> = HashMap::new();
    for orgs in by_partnership.values() {
        for o in orgs {
            *degree.entry(o.clone()).or_default() += 1;
        }
    }
    let mut ranked: Vec<(OrganizationId, i64)> = degree.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let truncated = ranked.len() > MAX_NODES;
    ranked.truncate(MAX_NODES);
    let index: HashMap<OrganizationId, usize> = ranked.iter().enumerate().map(|(i, (o, _))| (o.clone(), i)).collect();
    let mut weights: BTreeMap<(usize, usize), i64> = BTreeMap::new();
    for orgs in by_partnership.values() {
        let kept: Vec<usize> = orgs.iter().filter_map(|o| index.get(o).copied()).collect();
        for (i, a) in kept.iter().enumerate() {
            for b in &kept[i + 1..] {
                *weights.entry(((*a).min(*b), (*a).max(*b))).or_default() += 1;
            }
        }
    }
    let edges: Vec<(usize, usize, i64)> = weights.into_iter().map(|((a, b), w)| (a, b, w)).collect();
    let positions = force_layout(ranked.iter().map(|(o, _)| seed(o)).collect(), &edges);
    Layout {
        nodes: ranked
            .iter()
            .zip(positions)
            .map(|((o, n), (x, y))| (o.clone(), x.round() as i32, y.round() as i32, *n))
            .collect(),
        edges: edges
            .into_iter()
            .map(|(a, b, w)| GraphEdge { source: ranked[a].0.clone(), target: ranked[b].0.clone(), weight: w })
            .collect(),
        truncated,
    }
}

/// A stable starting point for a node, from its id (FNV-1a).
fn seed(id: &OrganizationId) -> u64 {
    id.as_str().bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// Fruchterman–Reingold: nodes repel, edges pull (harder the more partnerships they
/// carry), the moves cool down; then the drawing is fitted to the square with a margin.
fn force_layout(seeds: Vec<u64>, edges: &[(usize, usize, i64)]) -> Vec<(f64, f64)> {
    let n = seeds.len();
    let mut pos: Vec<(f64, f64)> = seeds
        .iter()
        .map(|s| ((s % 10_007) as f64 / 10_007.0 * SIZE, ((s >> 32) % 10_009) as f64 / 10_009.0 * SIZE))
        .collect();
    if n < 2 {
        return pos.into_iter().map(|_| (SIZE / 2.0, SIZE / 2.0)).collect();
    }
    let k = (SIZE * SIZE / n as f64).sqrt() * 0.6;
    let mut t = SIZE / 10.0;
    let mut disp = vec![(0.0f64, 0.0f64); n];
    for _ in 0..ITERATIONS {
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let d = (dx * dx + dy * dy).sqrt().max(0.01);
                let f = k * k / d;
                disp[i].0 += dx / d * f;
                disp[i].1 += dy / d * f;
                disp[j].0 -= dx / d * f;
                disp[j].1 -= dy / d * f;
            }
        }
        for &(a, b, w) in edges {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(0.01);
            let f = d * d / k * (1.0 + (w as f64).ln());
            disp[a].0 -= dx / d * f;
            disp[a].1 -= dy / d * f;
            disp[b].0 += dx / d * f;
            disp[b].1 += dy / d * f;
        }
        for i in 0..n {
            let len = (disp[i].0 * disp[i].0 + disp[i].1 * disp[i].1).sqrt().max(0.01);
            let step = len.min(t);
            pos[i].0 = (pos[i].0 + disp[i].0 / len * step).clamp(0.0, SIZE);
            pos[i].1 = (pos[i].1 + disp[i].1 / len * step).clamp(0.0, SIZE);
        }
        t *= 0.96;
    }
    let (min_x, max_x) = pos.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (min_y, max_y) = pos.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let margin = 40.0;
    let fit = |v: f64, lo: f64, hi: f64| {
        if hi - lo < 1.0 {
            SIZE / 2.0
        } else {
            margin + (v - lo) / (hi - lo) * (SIZE - 2.0 * margin)
        }
    };
    pos.into_iter().map(|(x, y)| (fit(x, min_x, max_x), fit(y, min_y, max_y))).collect()
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
