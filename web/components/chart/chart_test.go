package chart_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"penggerak/web/components/chart"
)

func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// inside checks that every rect, line and text of the SVG lies within its viewBox, and that
// the markup is well-formed.
func inside(t *testing.T, html string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(html))
	d.Strict = false
	var w, h float64
	n := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("markup: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]float64{}
		for _, a := range se.Attr {
			if a.Name.Local == "viewBox" {
				p := strings.Fields(a.Value)
				w, _ = strconv.ParseFloat(p[2], 64)
				h, _ = strconv.ParseFloat(p[3], 64)
			}
			if v, err := strconv.ParseFloat(a.Value, 64); err == nil {
				attr[a.Name.Local] = v
			}
		}
		switch se.Name.Local {
		case "rect":
			n++
			if attr["x"] < 0 || attr["y"] < 0 || attr["x"]+attr["width"] > w+0.05 || attr["y"]+attr["height"] > h+0.05 {
				t.Errorf("rect %v outside 0 0 %v %v", attr, w, h)
			}
		case "text", "line":
			for _, k := range []string{"x", "x1", "x2"} {
				if v, ok := attr[k]; ok && (v < 0 || v > w) {
					t.Errorf("%s %s=%v outside width %v", se.Name.Local, k, v, w)
				}
			}
			for _, k := range []string{"y", "y1", "y2"} {
				if v, ok := attr[k]; ok && (v < 0 || v > h) {
					t.Errorf("%s %s=%v outside height %v", se.Name.Local, k, v, h)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no rect drawn")
	}
}

func TestBarChart(t *testing.T) {
	b := chart.Bars{ID: "kuota", Title: "Kuota dan lulus", Caption: "Kab/kota",
		Labels: []string{"Kabupaten Ogan Komering Ulu", "Kota Serang", "Kabupaten Dengan Nama Yang Sangat Panjang Sekali Melebihi Batas Gambar"},
		Series: []chart.Series{{Name: "Kuota", Values: []float64{100, 40, 0}}, {Name: "Lulus", Values: []float64{100, 12.5, 3}}}}
	html := render(t, chart.BarChart(b))
	inside(t, html)
	for _, want := range []string{`<figcaption id="kuota-t">Kuota dan lulus</figcaption>`, `aria-labelledby="kuota-t"`,
		`<th scope="row">Kota Serang</th><td class="num">40</td><td class="num">12,5</td>`, "Melebihi Batas Gambar</th>"} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q in\n%s", want, html)
		}
	}
	// the longest bar spans the drawing but leaves room for its value
	rows, _ := b.Layout()
	if w := rows[0].Bars[0].W; w != chart.Width-48 {
		t.Errorf("longest bar %v", w)
	}
	inside(t, render(t, chart.BarChart(chart.Bars{ID: "e", Labels: []string{"a"}, Series: []chart.Series{{Values: []float64{0}}}})))
	inside(t, render(t, chart.BarChart(chart.Bars{ID: "p", Percent: true, Labels: []string{"a"}, Series: []chart.Series{{Values: []float64{100}}}})))
}

func TestFunnelChart(t *testing.T) {
	fu := chart.Funnel{ID: "corong", Title: "Corong", Heads: [4]string{"Tahap", "Jumlah", "Turun", "Dari awal"},
		Stages: []chart.Stage{{"Mendaftar", 200}, {"Mengirim", 150}, {"Lolos verval", 0}, {"Lulus", 0}}}
	html := render(t, chart.FunnelChart(fu))
	inside(t, html)
	for _, want := range []string{`<th scope="row">Mengirim</th><td class="num">150</td><td class="num">−25%</td><td class="num">75%</td>`,
		`<th scope="row">Lulus</th><td class="num">0</td><td class="num">–</td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q in\n%s", want, html)
		}
	}
	inside(t, render(t, chart.FunnelChart(chart.Funnel{ID: "z", Stages: []chart.Stage{{"a", 0}}})))
}

func TestColumnChart(t *testing.T) {
	c := chart.Columns{ID: "harian", Title: "Pendaftaran per hari", Heads: [2]string{"Tanggal", "Pendaftar"}, Mark: 29, MarkTag: "batas", MaxTag: "maks."}
	for i := range 30 {
		c.Labels = append(c.Labels, strconv.Itoa(i+1)+"/04")
		c.Values = append(c.Values, float64(i*i%17))
	}
	html := render(t, chart.ColumnChart(c))
	inside(t, html)
	if !strings.Contains(html, `<th scope="row">30/04 (batas)</th>`) || !strings.Contains(html, `class="mark"`) {
		t.Errorf("mark missing:\n%s", html)
	}
	if n := strings.Count(html, `class="axis">`); n > 8 {
		t.Errorf("%d axis labels on 30 columns: they would overlap on a phone", n)
	}
	if len(html) > 12000 {
		t.Errorf("a 30-day chart is %d bytes", len(html))
	}
}
