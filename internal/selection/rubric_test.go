package selection

import (
	"errors"
	"reflect"
	"testing"
)

func rubric4() Rubric {
	return Rubric{Criteria: []Criterion{
		{Name: "a", Min: 1, Max: 4, Weight: 2},
		{Name: "b", Min: 1, Max: 4, Weight: 1},
		{Name: "c", Min: 0, Max: 100, Weight: 1},
	}, PassingGrade: 60, Threshold: 15}
}

func TestRubricValidate(t *testing.T) {
	ok := rubric4()
	tests := []struct {
		name string
		mod  func(*Rubric)
		ok   bool
	}{
		{"valid", func(*Rubric) {}, true},
		{"no criteria", func(r *Rubric) { r.Criteria = nil }, false},
		{"empty scale", func(r *Rubric) { r.Criteria = []Criterion{{Min: 4, Max: 4, Weight: 1}} }, false},
		{"zero weight", func(r *Rubric) { r.Criteria = []Criterion{{Min: 1, Max: 4, Weight: 0}} }, false},
		{"grade over 100", func(r *Rubric) { r.PassingGrade = 101 }, false},
		{"negative threshold", func(r *Rubric) { r.Threshold = -1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			r.Criteria = append([]Criterion(nil), ok.Criteria...)
			tt.mod(&r)
			err := r.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidRubric) {
				t.Fatalf("error %v is not ErrInvalidRubric", err)
			}
		})
	}
}

func TestStageScore(t *testing.T) {
	r := rubric4()
	tests := []struct {
		name   string
		scores []int
		want   float64
		err    bool
	}{
		{"all minimum", []int{1, 1, 0}, 0, false},
		{"all maximum", []int{4, 4, 100}, 100, false},
		// a: (3-1)/3*100=66.667 w2; b: 0 w1; c: 50 w1 → (133.333+0+50)/4 = 45.83
		{"weighted", []int{3, 1, 50}, 45.83, false},
		{"below scale", []int{0, 1, 50}, 0, true},
		{"above scale", []int{1, 1, 101}, 0, true},
		{"wrong count", []int{1, 1}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.StageScore(tt.scores)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want err=%v", err, tt.err)
			}
			if err == nil && got != tt.want {
				t.Fatalf("StageScore = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAdjudicate(t *testing.T) {
	tests := []struct {
		name    string
		scores  []float64
		want    Adjudication
		wantErr bool
	}{
		{"close pair", []float64{70, 80}, Adjudication{Final: 75, Counted: []int{0, 1}}, false},
		{"exactly threshold", []float64{60, 75}, Adjudication{Final: 67.5, Counted: []int{0, 1}}, false},
		{"over threshold", []float64{60, 75.01}, Adjudication{NeedThird: true}, false},
		{"third near low", []float64{40, 90, 45}, Adjudication{Final: 42.5, Counted: []int{0, 2}}, false},
		{"third near high", []float64{40, 90, 85}, Adjudication{Final: 87.5, Counted: []int{1, 2}}, false},
		{"equidistant takes middle", []float64{50, 70, 60}, Adjudication{Final: 60, Counted: []int{0, 1, 2}}, false},
		{"one score", []float64{50}, Adjudication{}, true},
		{"four scores", []float64{1, 2, 3, 4}, Adjudication{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Adjudicate(tt.scores, 15)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Adjudicate = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFinalize(t *testing.T) {
	r := rubric4()
	f, err := r.Finalize([][]int{{4, 4, 100}, {4, 3, 90}})
	if err != nil {
		t.Fatal(err)
	}
	// sheet 2: (200 + 66.667 + 90)/4 = 89.17; mean (100+89.17)/2 = 94.585 → 94.59 after rounding
	if f.NeedThird || f.Sheets[1] != 89.17 || f.Score != 94.59 {
		t.Fatalf("Finalize = %+v", f)
	}
	if !reflect.DeepEqual(f.CriterionMeans, []float64{4, 3.5, 95}) {
		t.Fatalf("criterion means = %v", f.CriterionMeans)
	}
	f, err = r.Finalize([][]int{{4, 4, 100}, {1, 1, 10}})
	if err != nil || !f.NeedThird || f.CriterionMeans != nil {
		t.Fatalf("far apart: %+v %v", f, err)
	}
	f, err = r.Finalize([][]int{{4, 4, 100}, {1, 1, 10}, {4, 4, 90}})
	if err != nil || f.NeedThird || !reflect.DeepEqual(f.Counted, []int{0, 2}) {
		t.Fatalf("with third: %+v %v", f, err)
	}
	if _, err := r.Finalize([][]int{{5, 4, 100}, {1, 1, 10}}); !errors.Is(err, ErrInvalidScore) {
		t.Fatalf("out of scale: %v", err)
	}
}

func TestStages(t *testing.T) {
	if !StageWawancara.ShowsIdentity() || StageTahap1.ShowsIdentity() || StageSimulasi.ShowsIdentity() {
		t.Fatal("only the interview shows identity")
	}
	if !StageSimulasi.Valid() || Stage("x").Valid() {
		t.Fatal("Valid")
	}
}
