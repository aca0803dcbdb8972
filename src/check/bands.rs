//! Bands: each set of bands must cover its attribute's values exactly once.
//!
//! Scores are whole numbers and both bounds of a band are included (docs/language.md), so
//! `0 ..= 24` and `25 ..= 49` meet with nothing between. The check sorts the bands by their
//! lower bound and sweeps once: O(n log n) in the number of bands.

use super::CheckError;
use crate::resolve::{Kind, Symbols};
use crate::syntax::ast::*;

/// The values an attribute can take, when it is a number: (min, max).
pub fn numeric_domain(ty: &AttributeType) -> Option<(f64, f64)> {
    match ty {
        AttributeType::Percent => Some((0.0, 100.0)),
        AttributeType::Number { min, max } => Some((*min, *max)),
        _ => None,
    }
}

pub fn check(symbols: &Symbols, errors: &mut Vec<CheckError>) {
    for d in symbols.all(Kind::Bands) {
        let Body::Bands(b) = &d.body else { continue };
        let Some(attr) = symbols.attribute(&b.attribute.name) else { continue };
        let Some((min, max)) = numeric_domain(&attr.ty.node) else {
            errors.push(CheckError::BandsNeedNumbers {
                bands: d.id.name.clone(),
                at: b.attribute.span,
                attribute: b.attribute.name.clone(),
            });
            continue;
        };
        let mut usable: Vec<(i64, i64, &Band)> = Vec::new();
        let mut incomplete = b.incomplete;
        for band in &b.bands {
            let (lo, hi) = band.range.node;
            if lo.fract() != 0.0 || hi.fract() != 0.0 {
                errors.push(CheckError::BandNotWhole {
                    band: band.id.name.clone(),
                    at: band.range.span,
                    attribute: b.attribute.name.clone(),
                });
                continue;
            }
            if lo > hi {
                errors.push(CheckError::BandEmpty { band: band.id.name.clone(), at: band.range.span, from: lo, to: hi });
                incomplete = true;
                continue;
            }
            if lo < min || hi > max {
                errors.push(CheckError::BandOutsideDomain {
                    band: band.id.name.clone(),
                    at: band.range.span,
                    attribute: b.attribute.name.clone(),
                    min,
                    max,
                });
            }
            usable.push((lo as i64, hi as i64, band));
        }
        // With a band missing, its values would show up as a gap that is not the mistake.
        let mut found = Vec::new();
        sweep(&d.id.name, &d.id.span, (min as i64, max as i64), &mut usable, &mut found);
        errors.extend(found.into_iter().filter(|e| !(incomplete && matches!(e, CheckError::BandGap { .. }))));
    }
}

/// Finds overlaps and gaps in one pass over the bands sorted by lower bound.
fn sweep(name: &str, at: &crate::source::Span, (min, max): (i64, i64), bands: &mut [(i64, i64, &Band)], errors: &mut Vec<CheckError>) {
    bands.sort_by_key(|(lo, hi, b)| (*lo, *hi, b.id.name.clone()));
    // The band that reaches furthest so far: overlaps are reported against it.
    let mut reach: Option<(i64, &Band)> = None;
    for &(lo, hi, band) in bands.iter() {
        match reach {
            None => {
                if lo > min {
                    errors.push(CheckError::BandGap {
                        bands: name.to_string(),
                        from: min,
                        to: lo - 1,
                        at: band.range.span,
                        before: None,
                        after: Some((band.id.name.clone(), lo)),
                    });
                }
            }
            Some((end, prev)) => {
                if lo <= end {
                    errors.push(CheckError::BandOverlap {
                        first: prev.id.name.clone(),
                        second: band.id.name.clone(),
                        from: lo,
                        to: hi.min(end),
                        at: band.range.span,
                        other: prev.range.span,
                    });
                } else if lo > end + 1 {
                    errors.push(CheckError::BandGap {
                        bands: name.to_string(),
                        from: end + 1,
                        to: lo - 1,
                        at: band.range.span,
                        before: Some((prev.id.name.clone(), end)),
                        after: Some((band.id.name.clone(), lo)),
                    });
                }
            }
        }
        if reach.is_none_or(|(end, _)| hi > end) {
            reach = Some((hi, band));
        }
    }
    match reach {
        Some((end, prev)) if end < max => {
            errors.push(CheckError::BandGap {
                bands: name.to_string(),
                from: end + 1,
                to: max,
                at: prev.range.span,
                before: Some((prev.id.name.clone(), end)),
                after: None,
            });
        }
        None => errors.push(CheckError::BandGap { bands: name.to_string(), from: min, to: max, at: *at, before: None, after: None }),
        _ => {}
    }
}
