//! Money as people read it, one way everywhere: thousands separators, and cents only
//! when there are any ("4,730", "13,007.50").

use rust_decimal::Decimal;

/// A USD amount: "4,730", "13,007.50", "-999".
pub fn usd(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let text = if rounded.fract().is_zero() {
        rounded.trunc().to_string()
    } else {
        format!("{rounded:.2}")
    };
    let (whole, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let grouped = grouped(digits);
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Digits in groups of three: "1,000,000".
pub fn grouped(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count of choices as people read it: "5,184", or for the most a `u128` holds
/// (counts are capped there), "more than 10^38".
pub fn choices(n: u128) -> String {
    if n == u128::MAX {
        "more than 10^38".into()
    } else {
        grouped(&n.to_string())
    }
}

/// Whole cents as a USD amount, as [`usd`].
pub fn usd_cents(cents: i64) -> String {
    usd(Decimal::new(cents, 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn one_format_for_money() {
        assert_eq!(usd(dec!(4730)), "4,730");
        assert_eq!(usd(dec!(4730.00)), "4,730");
        assert_eq!(usd(dec!(13007.5)), "13,007.50");
        assert_eq!(usd(dec!(1234567.50)), "1,234,567.50");
        assert_eq!(usd(dec!(-999)), "-999");
        assert_eq!(usd(dec!(-1000.25)), "-1,000.25");
        assert_eq!(usd(dec!(0)), "0");
        assert_eq!(usd_cents(48_000), "480");
        assert_eq!(usd_cents(1_440_880), "14,408.80");
        assert_eq!(usd_cents(-5), "-0.05");
    }
}
