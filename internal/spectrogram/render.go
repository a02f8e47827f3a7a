package spectrogram

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Panel is one time × frequency picture of a figure, with its own colour
// bar.
type Panel struct {
	Title      string
	Values     [][]float32 // [column][bin], bins evenly from 0 Hz to SampleRate/2
	Duration   float64     // time the columns span [s]
	SampleRate int         // [Hz]
	Min, Max   float64     // colour scale: values are clipped to it
	Unit       string      // colour bar label, e.g. "level [dBFS]"
	// Colors maps Min..Max to colours; nil means LevelColors.
	Colors palette.ColorMap
}

// LevelColors is the colour map for levels: black for silence through
// blue, red and yellow to white for the loudest, readable in grey print.
func LevelColors() palette.ColorMap { return moreland.ExtendedBlackBody() }

// GainColors is the colour map for gain masks: dark blue where the most
// was removed, through lighter blues to white where everything was kept.
func GainColors() palette.ColorMap {
	cm, err := moreland.NewLuminance([]color.Color{
		color.NRGBA{8, 29, 88, 255},
		color.NRGBA{34, 94, 168, 255},
		color.NRGBA{65, 182, 196, 255},
		color.NRGBA{199, 233, 180, 255},
		color.NRGBA{255, 255, 255, 255},
	})
	if err != nil {
		panic(err) // the controls above rise in luminance
	}
	return cm
}

// pixelsPerInch fixes the canvas resolution so that sizes are in pixels.
const pixelsPerInch = 96

// colorBarWidth is the width of the colour bar column [px].
const colorBarWidth = 110

// Render draws panels stacked top to bottom, sharing the width, into a PNG
// image of width × height pixels written to w. Each panel gets labelled
// time and frequency axes and a colour bar.
func Render(w io.Writer, width, height int, panels ...Panel) error {
	if len(panels) == 0 {
		return fmt.Errorf("%w: no panels", ErrEmpty)
	}
	if width < 300 || height < 150*len(panels) || width > 20000 || height > 20000 {
		return fmt.Errorf("%w: %dx%d pixels for %d panels; want 300..20000 wide and at least 150 per panel high",
			ErrSize, width, height, len(panels))
	}
	px := func(n int) vg.Length { return vg.Length(n) * vg.Inch / pixelsPerInch }
	c := vgimg.NewWith(vgimg.UseWH(px(width), px(height)), vgimg.UseDPI(pixelsPerInch))
	dc := draw.New(c)
	rowH := dc.Max.Y - dc.Min.Y
	rowH /= vg.Length(len(panels))
	var maps []palette.ColorMap
	for i, p := range panels {
		if len(p.Values) == 0 || len(p.Values[0]) == 0 {
			return fmt.Errorf("%w: panel %q is empty", ErrEmpty, p.Title)
		}
		top := dc.Max.Y - vg.Length(i)*rowH
		if i > 0 {
			top -= px(10) // room between a time axis and the next title
		}
		row := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: dc.Min.X, Y: dc.Max.Y - vg.Length(i+1)*rowH},
			Max: vg.Point{X: dc.Max.X, Y: top},
		}}
		if p.Colors == nil {
			p.Colors = LevelColors()
		}
		maps = append(maps, p.Colors)
		split := row.Max.X - px(colorBarWidth)
		main := row
		main.Max.X = split
		bar := row
		bar.Min.X = split
		if err := drawPanel(main, bar, p); err != nil {
			return err
		}
	}
	// An 8-bit palette of the colour maps and greys looks the same and
	// makes the file about three times smaller.
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(w, quantize(c.Image(), maps)); err != nil {
		return fmt.Errorf("spectrogram: writing the PNG: %w", err)
	}
	return nil
}

// quantize maps img onto a palette of up to 256 colours: 64 greys for
// text and lines, the rest shared among the panels' colour maps.
func quantize(img image.Image, maps []palette.ColorMap) *image.Paletted {
	var pal color.Palette
	for i := range 64 {
		v := uint8(i * 255 / 63)
		pal = append(pal, color.RGBA{v, v, v, 255})
	}
	seen := map[palette.ColorMap]bool{}
	var uniq []palette.ColorMap
	for _, m := range maps {
		if !seen[m] {
			seen[m] = true
			uniq = append(uniq, m)
		}
	}
	per := (256 - len(pal)) / max(len(uniq), 1)
	for _, m := range uniq {
		for i := range per {
			c, err := m.At(m.Min() + (m.Max()-m.Min())*float64(i)/float64(per-1))
			if err == nil {
				pal = append(pal, c)
			}
		}
	}
	// Nearest palette entry per 5-bit-per-channel colour, computed once.
	var cube [32 * 32 * 32]uint8
	for r := range 32 {
		for g := range 32 {
			for b := range 32 {
				c := color.RGBA{uint8(r<<3 | r>>2), uint8(g<<3 | g>>2), uint8(b<<3 | b>>2), 255}
				cube[r<<10|g<<5|b] = uint8(pal.Index(c))
			}
		}
	}
	bounds := img.Bounds()
	out := image.NewPaletted(bounds, pal)
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			out.Pix[out.PixOffset(x, y)] = cube[(r>>11)<<10|(g>>11)<<5|b>>11]
		}
	}
	return out
}

func drawPanel(main, bar draw.Canvas, p Panel) error {
	cm := p.Colors
	if !(p.Max > p.Min) {
		return fmt.Errorf("%w: panel %q has colour scale %g..%g", ErrSize, p.Title, p.Min, p.Max)
	}
	cm.SetMin(p.Min)
	cm.SetMax(p.Max)
	img := colorImage(p, cm)

	kHz := float64(p.SampleRate) / 2000
	plt := plot.New()
	plt.Title.Text = p.Title
	plt.Title.TextStyle.Font.Size = vg.Points(12)
	plt.X.Label.Text = "time [s]"
	plt.Y.Label.Text = "frequency [kHz]"
	plt.X.Padding, plt.Y.Padding = 0, 0
	plt.Add(plotter.NewImage(img, 0, 0, p.Duration, kHz))
	plt.X.Min, plt.X.Max = 0, p.Duration
	plt.Y.Min, plt.Y.Max = 0, kHz
	plt.X.Tick.Marker = niceTicks{target: 12}
	plt.Y.Tick.Marker = niceTicks{target: 8}
	plt.Draw(main)

	cb := plot.New()
	cb.HideX()
	cb.Y.Padding = 0
	cb.Y.Label.Text = p.Unit
	cb.Y.Tick.Marker = niceTicks{target: 6}
	cb.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	// The bar spans exactly the height of the panel's data area.
	data := plt.DataCanvas(main)
	bar.Min.Y, bar.Max.Y = data.Min.Y, data.Max.Y
	bar.Min.X += vg.Points(6)
	bar.Max.X -= vg.Points(10)
	cb.Draw(bar)
	return nil
}

// niceTicks labels an axis at steps of 1, 2 or 5 times a power of ten,
// about target of them, with unlabelled minor ticks between.
type niceTicks struct{ target int }

func (n niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return nil
	}
	raw := (hi - lo) / float64(n.target)
	step := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*step >= raw {
			step *= m
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	minor := step / 2
	for i := math.Ceil(lo/minor - 1e-9); i*minor <= hi+1e-9*step; i++ {
		v := i * minor
		if v == 0 {
			v = 0 // not -0, which would print as "-0"
		}
		t := plot.Tick{Value: v}
		if int(math.Round(i))%2 == 0 {
			t.Label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// colorImage renders the values as one pixel per cell, low frequencies at
// the bottom; the plot scales it to the panel.
func colorImage(p Panel, cm palette.ColorMap) *image.RGBA {
	cols, bins := len(p.Values), len(p.Values[0])
	// A lookup table keeps colouring fast for large spectrograms.
	const levels = 256
	lut := make([]color.RGBA, levels)
	for i := range lut {
		v := p.Min + (p.Max-p.Min)*float64(i)/(levels-1)
		c, err := cm.At(v)
		if err != nil {
			c = color.Black
		}
		r, g, b, _ := c.RGBA()
		lut[i] = color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
	}
	img := image.NewRGBA(image.Rect(0, 0, cols, bins))
	span := p.Max - p.Min
	for x, col := range p.Values {
		for k, v := range col {
			f := (float64(v) - p.Min) / span
			i := int(f*(levels-1) + 0.5)
			i = min(max(i, 0), levels-1)
			img.SetRGBA(x, bins-1-k, lut[i])
		}
	}
	return img
}
