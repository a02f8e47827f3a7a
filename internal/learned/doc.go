// Package learned is the learned gain stage of hush's signal chain: the
// features it reads from each frame, the small recurrent network that
// turns them into band gains and a speech probability (weights embedded
// from model/, trained by train/ in the repository), the gain law that
// combines those with the classical gains, and the export of training
// data, so that the network is trained on exactly what it sees in use.
//
// Gain implements dsp.GainRule; denoise wires it into a dsp.Chain.
// Everything about the network's inputs and outputs lives here: to change
// the features or the bands, change this package, train/gen (which calls
// TrainingFrames) and train/model.py.
package learned
