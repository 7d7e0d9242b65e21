//! `/` filtering: fuzzy, smart-case, and `!` in front to invert.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// The text typed after `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterQuery {
    /// As typed, `!` included.
    pub text: String,
}

impl FilterQuery {
    /// A filter of `text`.
    pub fn new(text: impl Into<String>) -> FilterQuery {
        FilterQuery { text: text.into() }
    }

    /// Whether it keeps everything.
    pub fn is_empty(&self) -> bool {
        self.pattern_text().is_empty()
    }

    /// `!text` keeps the items that do *not* match `text`.
    pub fn inverted(&self) -> bool {
        self.text.starts_with('!')
    }

    fn pattern_text(&self) -> &str {
        self.text.strip_prefix('!').unwrap_or(&self.text).trim()
    }

    /// Indices of the haystacks that pass. A plain filter ranks by match
    /// score (best first, ties in original order); an inverted or empty
    /// filter keeps the original order.
    pub fn apply<'a>(&self, haystacks: impl Iterator<Item = &'a str>) -> Vec<usize> {
        if self.is_empty() {
            return haystacks.enumerate().map(|(i, _)| i).collect();
        }
        // `parse` gives users fzf's syntax: ^prefix, suffix$, 'exact.
        let pattern = Pattern::parse(
            self.pattern_text(),
            CaseMatching::Smart,
            Normalization::Smart,
        );
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let scored = haystacks
            .enumerate()
            .map(|(i, hay)| (i, pattern.score(Utf32Str::new(hay, &mut buf), &mut matcher)));
        if self.inverted() {
            return scored
                .filter(|(_, s)| s.is_none())
                .map(|(i, _)| i)
                .collect();
        }
        let mut hits: Vec<(usize, u32)> = scored.filter_map(|(i, s)| s.map(|s| (i, s))).collect();
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.into_iter().map(|(i, _)| i).collect()
    }

    /// [`apply`](Self::apply) over haystacks built for the occasion.
    pub fn apply_to(&self, haystacks: impl Iterator<Item = String>) -> Vec<usize> {
        let hay: Vec<String> = haystacks.collect();
        self.apply(hay.iter().map(String::as_str))
    }

    /// Filters items listed in `order` (their indices), each found by
    /// `haystack(index)`; the indices that pass come back, ranked.
    pub fn apply_in_order(
        &self,
        order: &[usize],
        haystack: impl Fn(usize) -> String,
    ) -> Vec<usize> {
        self.apply_to(order.iter().map(|&i| haystack(i)))
            .into_iter()
            .map(|k| order[k])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEMS: [&str; 4] = [
        "crm___search_accounts",
        "ticketing___create_ticket",
        "messaging___post",
        "crm___get_account",
    ];

    #[test]
    fn fuzzy_ranks_and_inverts() {
        let hits = FilterQuery::new("crmacc").apply(ITEMS.iter().copied());
        assert_eq!(hits.len(), 2);
        assert!(hits.contains(&0) && hits.contains(&3));
        let inverted = FilterQuery::new("!crm").apply(ITEMS.iter().copied());
        assert_eq!(inverted, vec![1, 2]);
        assert_eq!(
            FilterQuery::new("").apply(ITEMS.iter().copied()),
            vec![0, 1, 2, 3]
        );
        assert_eq!(
            FilterQuery::new("!").apply(ITEMS.iter().copied()),
            vec![0, 1, 2, 3]
        );
    }

    #[test]
    fn smart_case() {
        assert_eq!(
            FilterQuery::new("POST").apply(ITEMS.iter().copied()),
            Vec::<usize>::new()
        );
        assert_eq!(
            FilterQuery::new("post").apply(ITEMS.iter().copied()),
            vec![2]
        );
        assert_eq!(
            FilterQuery::new("^crm___").apply(ITEMS.iter().copied()),
            vec![0, 3]
        );
    }
}
