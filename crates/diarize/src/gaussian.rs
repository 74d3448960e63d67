//! Full-covariance Gaussians over cepstral vectors: the model of one voice, and the statistics
//! that compare stretches of speech (ΔBIC).
//!
//! Full covariance, not diagonal: cepstra of one voice are correlated, and the correlations are
//! part of what tells two voices apart (the BIC speaker-change literature relies on it).

use crate::features::CEPSTRA;

const DIM: usize = CEPSTRA;
/// Added to the covariance diagonal so a short or flat stretch never gives a singular matrix.
const RIDGE: f64 = 1e-3;

/// What a Gaussian fit needs of a set of vectors; two sets' statistics add up to their union's.
#[derive(Debug, Clone)]
pub struct Stats {
    count: f64,
    sum: [f64; DIM],
    /// Σ x xᵀ, lower triangle.
    scatter: [[f64; DIM]; DIM],
}

impl Stats {
    pub fn of<'a>(vectors: impl IntoIterator<Item = &'a [f32; DIM]>) -> Self {
        let mut stats = Stats { count: 0.0, sum: [0.0; DIM], scatter: [[0.0; DIM]; DIM] };
        for vector in vectors {
            let x = vector.map(f64::from);
            stats.count += 1.0;
            for i in 0..DIM {
                stats.sum[i] += x[i];
                for j in 0..=i {
                    stats.scatter[i][j] += x[i] * x[j];
                }
            }
        }
        stats
    }

    pub fn count(&self) -> f64 {
        self.count
    }

    pub fn add(&mut self, other: &Stats) {
        self.count += other.count;
        for i in 0..DIM {
            self.sum[i] += other.sum[i];
            for j in 0..=i {
                self.scatter[i][j] += other.scatter[i][j];
            }
        }
    }

    fn mean(&self) -> [f64; DIM] {
        self.sum.map(|s| s / self.count)
    }

    fn covariance(&self) -> [[f64; DIM]; DIM] {
        let mean = self.mean();
        let mut covariance = [[0.0; DIM]; DIM];
        for i in 0..DIM {
            for j in 0..=i {
                covariance[i][j] = self.scatter[i][j] / self.count - mean[i] * mean[j];
            }
            covariance[i][i] += RIDGE;
        }
        covariance
    }

    /// log |Σ| of the fitted covariance; `None` for fewer than two vectors.
    pub fn log_det(&self) -> Option<f64> {
        (self.count >= 2.0).then(|| cholesky(&self.covariance())).flatten().map(|factor| log_det_of(&factor))
    }
}

/// The cost in log-likelihood of modelling two stretches with one Gaussian instead of one each,
/// minus the BIC penalty for the second model's parameters: above 0, two speakers are likelier.
pub fn delta_bic(first: &Stats, second: &Stats, first_log_det: f64, second_log_det: f64) -> f64 {
    let mut merged = first.clone();
    merged.add(second);
    let Some(merged_log_det) = merged.log_det() else {
        return f64::INFINITY;
    };
    let d = DIM as f64;
    let parameters = d + d * (d + 1.0) / 2.0;
    0.5 * (merged.count * merged_log_det - first.count * first_log_det - second.count * second_log_det)
        - 0.5 * parameters * merged.count.ln()
}

#[derive(Debug, Clone)]
pub struct Gaussian {
    mean: [f64; DIM],
    /// Lower-triangular Cholesky factor of the covariance.
    cholesky: [[f64; DIM]; DIM],
    log_det: f64,
}

impl Gaussian {
    /// Fits the vectors; `None` for fewer than two.
    pub fn fit<'a>(vectors: impl IntoIterator<Item = &'a [f32; DIM]>) -> Option<Self> {
        let stats = Stats::of(vectors);
        if stats.count < 2.0 {
            return None;
        }
        let cholesky = cholesky(&stats.covariance())?;
        Some(Self { mean: stats.mean(), log_det: log_det_of(&cholesky), cholesky })
    }

    /// Log-density of `vector`.
    pub fn log_likelihood(&self, vector: &[f32; DIM]) -> f64 {
        // Solve L y = (x − μ); the Mahalanobis distance is |y|².
        let mut y = [0.0; DIM];
        for i in 0..DIM {
            let solved: f64 = self.cholesky[i][..i].iter().zip(&y[..i]).map(|(l, y)| l * y).sum();
            y[i] = (f64::from(vector[i]) - self.mean[i] - solved) / self.cholesky[i][i];
        }
        let mahalanobis: f64 = y.iter().map(|v| v * v).sum();
        -0.5 * (mahalanobis + self.log_det + DIM as f64 * (2.0 * std::f64::consts::PI).ln())
    }
}

fn log_det_of(cholesky: &[[f64; DIM]; DIM]) -> f64 {
    2.0 * (0..DIM).map(|i| cholesky[i][i].ln()).sum::<f64>()
}

/// Cholesky factor of the lower triangle of a symmetric positive-definite matrix.
fn cholesky(matrix: &[[f64; DIM]; DIM]) -> Option<[[f64; DIM]; DIM]> {
    let mut factor = [[0.0; DIM]; DIM];
    for i in 0..DIM {
        for j in 0..=i {
            let sum: f64 = matrix[i][j] - (0..j).map(|k| factor[i][k] * factor[j][k]).sum::<f64>();
            if i == j {
                if sum <= 0.0 {
                    return None;
                }
                factor[i][i] = sum.sqrt();
            } else {
                factor[i][j] = sum / factor[j][j];
            }
        }
    }
    Some(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` vectors spread around `centre` in every dimension.
    fn vectors(centre: f32, count: usize) -> Vec<[f32; DIM]> {
        (0..count)
            .map(|n| {
                let mut v = [centre; DIM];
                for (d, value) in v.iter_mut().enumerate() {
                    *value += ((n * 7 + d * 3 + n * d) % 11) as f32 / 10.0 - 0.5;
                }
                v
            })
            .collect()
    }

    #[test]
    fn vectors_are_likelier_under_their_own_model() {
        let (near, far) = (vectors(0.0, 200), vectors(3.0, 200));
        let near_model = Gaussian::fit(&near).unwrap();
        let far_model = Gaussian::fit(&far).unwrap();
        assert!(near_model.log_likelihood(&near[5]) > far_model.log_likelihood(&near[5]));
        assert!(far_model.log_likelihood(&far[5]) > near_model.log_likelihood(&far[5]));
    }

    #[test]
    fn matches_the_closed_form_for_uncorrelated_data() {
        // ±1 on each axis in turn: mean 0, variance 1/DIM per axis, no correlation.
        let mut data = Vec::new();
        for d in 0..DIM {
            for sign in [-1.0f32, 1.0] {
                let mut v = [0.0; DIM];
                v[d] = sign;
                data.push(v);
            }
        }
        let model = Gaussian::fit(&data).unwrap();
        let variance = 1.0 / DIM as f64 + RIDGE;
        assert!((Stats::of(&data).log_det().unwrap() - DIM as f64 * variance.ln()).abs() < 1e-9);
        let expected = -0.5 * (DIM as f64 * (2.0 * std::f64::consts::PI * variance).ln());
        assert!((model.log_likelihood(&[0.0; DIM]) - expected).abs() < 1e-9);
    }

    #[test]
    fn statistics_add_up_to_those_of_the_union() {
        let (a, b) = (vectors(0.0, 50), vectors(1.0, 70));
        let mut sum = Stats::of(&a);
        sum.add(&Stats::of(&b));
        let union = Stats::of(a.iter().chain(&b));
        assert_eq!(sum.count(), 120.0);
        assert!((sum.log_det().unwrap() - union.log_det().unwrap()).abs() < 1e-9);
    }

    #[test]
    fn delta_bic_says_two_sources_apart_and_one_source_together() {
        let log_det = |stats: &Stats| stats.log_det().unwrap();
        let (first, second) = (Stats::of(&vectors(0.0, 300)), Stats::of(&vectors(2.0, 300)));
        assert!(delta_bic(&first, &second, log_det(&first), log_det(&second)) > 0.0);
        let all = vectors(0.0, 600);
        let (early, late) = (Stats::of(&all[..300]), Stats::of(&all[300..]));
        assert!(delta_bic(&early, &late, log_det(&early), log_det(&late)) < 0.0);
    }

    #[test]
    fn too_few_vectors_fit_nothing() {
        assert!(Gaussian::fit(&vectors(0.0, 1)).is_none());
        assert!(Stats::of(&vectors(0.0, 1)).log_det().is_none());
    }
}
