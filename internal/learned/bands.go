package learned

// bandCentersHz are the centres of the network's bands: 50 Hz apart up to
// 400 Hz, 100 Hz to 1 kHz, then widening by about an eighth each, to
// 8 kHz. Every rate's bins are 50 Hz apart (20 ms window), so the same
// layout serves all rates; at 8 kHz the bands above 4 kHz stay empty, as
// they were in training.
var bandCentersHz = [...]float64{
	0, 50, 100, 150, 200, 250, 300, 350, 400, 500, 600, 700, 800, 900, 1000,
	1150, 1300, 1450, 1650, 1850, 2100, 2350, 2650, 3000, 3350, 3750, 4200,
	4700, 5300, 6000, 6800, 8000,
}

// Bands is the number of band gains the network predicts per frame.
const Bands = len(bandCentersHz)

// FeatureCount is the number of network inputs per frame: per band, the
// log energy, the log ratio of energy to the classical noise estimate, and
// the classical speech-presence probability.
const FeatureCount = 3 * Bands
