package selection

import (
	"math"
	"math/big"
	"strconv"
	"testing"
)

// numeric2 gives the same number pgx sends for a float64 (its shortest decimal), for scores of
// two decimals and for any other value.
func TestNumeric2IsTheShortestDecimal(t *testing.T) {
	values := []float64{0, 1, 60, 100, 66.67, 33.33, 99.99, 0.01, -0.01, -12.5, 1.005, 1.0 / 3, 2.675, 1e-7, 123456.78, math.Nextafter(66.67, 100)}
	for i := 0; i <= 10000; i++ {
		values = append(values, Round2(float64(i)/100), float64(i)/100, float64(i)/3)
	}
	for _, v := range values {
		n := numeric2(v)
		if !n.Valid {
			t.Fatalf("%v: invalid", v)
		}
		got := new(big.Rat).SetInt(n.Int)
		if n.Exp < 0 {
			got.Quo(got, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-n.Exp)), nil)))
		} else {
			got.Mul(got, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.Exp)), nil)))
		}
		want, ok := new(big.Rat).SetString(strconv.FormatFloat(v, 'f', -1, 64))
		if !ok || got.Cmp(want) != 0 {
			t.Fatalf("%v: numeric2 = %s, want %s", v, got.FloatString(20), want.FloatString(20))
		}
	}
}
