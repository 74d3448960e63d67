//! Edit distance between short names, for misspelled mentions.

/// Levenshtein distance over ASCII-case-folded bytes (names are short: rows live on the stack
/// up to 32 bytes).
pub(crate) fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    const STACK: usize = 33;
    let mut previous_row = [0usize; STACK];
    let mut current_row = [0usize; STACK];
    let mut previous_heap;
    let mut current_heap;
    let (previous, current): (&mut [usize], &mut [usize]) = if b.len() < STACK {
        (&mut previous_row[..=b.len()], &mut current_row[..=b.len()])
    } else {
        previous_heap = vec![0; b.len() + 1];
        current_heap = vec![0; b.len() + 1];
        (&mut previous_heap, &mut current_heap)
    };
    for (j, cell) in previous.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(!ca.eq_ignore_ascii_case(cb));
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous.copy_from_slice(current);
    }
    previous[b.len()]
}
