"""Checks of the training losses (PyTorch needed; not part of `go test`):

    python3 -m unittest discover -s train -p 'test_*.py'
"""
import unittest

import numpy as np
import torch

import os
import tempfile

from model import GainNet, folded_tensors, load_folded, read_tensors, write_tensors
from train import (THIRD_OCTAVES, envelope_loss, input_stats, loss_fn, pause_loss, pick_device,
                   reference_blas, residual_loss, stoi_loss, third_octave_pool)

BANDS = 32


def example(batch=2, frames=120, seed=0):
    """Random noisy band energies (as log10 features) and ideal gains with
    a speech-like on/off envelope."""
    g = torch.Generator().manual_seed(seed)
    feats = torch.zeros(batch, frames, 3 * BANDS)
    feats[..., :BANDS] = -4 + 2 * torch.rand(batch, frames, BANDS, generator=g)
    on = (torch.arange(frames) // 15) % 2 == 0
    gains = torch.rand(batch, frames, BANDS, generator=g) * 0.3
    gains[:, on] += 0.6
    return feats, gains


class CorrelationLossChecks:
    """What both correlation terms must do; a subclass names the loss."""

    loss = None  # set by each subclass, as staticmethod(the loss function)

    def setUp(self):
        self.pool = third_octave_pool(BANDS)

    def test_ideal_gains_score_zero(self):
        feats, gains = example()
        self.assertLess(self.loss(gains, gains, feats, self.pool).item(), 1e-5)

    def test_closer_gains_score_better(self):
        feats, gains = example()
        noise = torch.rand(gains.shape, generator=torch.Generator().manual_seed(1))
        far = self.loss(0.5 * gains + 0.5 * noise, gains, feats, self.pool).item()
        near = self.loss(0.9 * gains + 0.1 * noise, gains, feats, self.pool).item()
        self.assertLess(near, far)

    def test_silent_streams_count_for_nothing(self):
        feats, gains = example()
        pred = torch.rand(gains.shape, requires_grad=True)
        loss = self.loss(pred, torch.zeros_like(gains), feats, self.pool)
        self.assertEqual(loss.item(), 0)
        loss.backward()
        self.assertTrue(torch.all(torch.isfinite(pred.grad)))

    def test_gradient_is_finite(self):
        feats, gains = example()
        pred = torch.rand(gains.shape, requires_grad=True)
        self.loss(pred, gains, feats, self.pool).backward()
        self.assertTrue(torch.all(torch.isfinite(pred.grad)))
        self.assertGreater(pred.grad.abs().sum().item(), 0)


class EnvelopeLossTest(CorrelationLossChecks, unittest.TestCase):
    loss = staticmethod(envelope_loss)

    def test_pool_covers_each_band_once(self):
        self.assertEqual(self.pool.shape, (BANDS, len(THIRD_OCTAVES)))
        per_band = self.pool.sum(1)
        self.assertTrue(torch.all(per_band <= 1))
        self.assertEqual(int(per_band.sum()), sum(len(m) for m in THIRD_OCTAVES))

    def test_a_constant_gain_scores_like_the_noisy_input(self):
        # A gain that is the same everywhere leaves every envelope's shape
        # as it was, so its scale cannot matter; it must score worse than
        # the ideal gains.
        feats, gains = example()
        a = envelope_loss(torch.full_like(gains, 1.0), gains, feats, self.pool).item()
        b = envelope_loss(torch.full_like(gains, 0.1), gains, feats, self.pool).item()
        self.assertAlmostEqual(a, b, places=4)
        self.assertGreater(a, 0.05)


class StoiLossTest(CorrelationLossChecks, unittest.TestCase):
    loss = staticmethod(stoi_loss)

    def test_each_band_s_scale_does_not_matter(self):
        # Each third-octave band is scaled to the clean energy before it is
        # compared, so gains that differ from third to third but not over
        # time score alike, and worse than the ideal gains.
        feats, gains = example()
        tilt = self.pool @ torch.linspace(0.1, 1.0, len(THIRD_OCTAVES)) + (self.pool.sum(1) == 0)
        a = stoi_loss(torch.ones_like(gains), gains, feats, self.pool).item()
        b = stoi_loss(torch.ones_like(gains) * tilt, gains, feats, self.pool).item()
        self.assertAlmostEqual(a, b, places=4)
        self.assertGreater(a, 0.05)


class PickDeviceTest(unittest.TestCase):
    def test_auto_takes_a_gpu_only_where_there_is_one(self):
        want = "cuda" if torch.cuda.is_available() else "cpu"
        self.assertEqual(pick_device("auto").type, want)

    def test_a_named_device_is_kept(self):
        self.assertEqual(pick_device("cpu").type, "cpu")
        self.assertEqual(pick_device("cuda").type, "cuda")


class InputStatsTest(unittest.TestCase):
    def test_chunked_statistics_match_numpy(self):
        rng = np.random.default_rng(0)
        feats = (rng.standard_normal((7, 30, 6)) * [1, 2, 3, 4, 5, 6] + 10).astype(np.float32)
        idx = np.array([5, 0, 3, 6, 1])
        for deltas in (0, 2):
            model = GainNet(6, 4, 8, deltas)
            whole = model.extend(torch.from_numpy(feats[idx])).numpy().reshape(-1, 6 + deltas)
            mean, std = input_stats(model, feats, idx, chunk=2)
            np.testing.assert_allclose(mean, whole.mean(0), rtol=1e-5)
            np.testing.assert_allclose(std, whole.std(0) + 1e-3, rtol=1e-4)


class ReferenceBlasTest(unittest.TestCase):
    MAP = ("7f5124000000-7f5124100000 r-xp 00000000 fe:01 123 {}\n"
           "7f5127000000-7f5127010000 r--p 00000000 fe:01 456 /usr/lib/x86_64-linux-gnu/libgomp.so.1\n"
           "7ffd1000-7ffd2000 rw-p 00000000 00:00 0\n")

    def test_the_reference_blas_is_found(self):
        path = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"  # the file its link names
        self.assertEqual(reference_blas(self.MAP.format(path)), path)

    def test_openblas_is_not_reported(self):
        path = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"
        self.assertIsNone(reference_blas(self.MAP.format(path)))

    def test_an_empty_map_reports_nothing(self):
        self.assertIsNone(reference_blas(""))



class ResidualLossChecks(unittest.TestCase):
    def test_ideal_gains_score_zero(self):
        feats, gains = example()
        self.assertLess(residual_loss(gains, gains, feats).item(), 1e-9)

    def test_more_noise_left_costs_more(self):
        feats, gains = example()
        little = residual_loss((gains + 0.05).clamp(max=1), gains, feats).item()
        much = residual_loss((gains + 0.3).clamp(max=1), gains, feats).item()
        self.assertGreater(little, 0)
        self.assertGreater(much, little)

    def test_cutting_speech_costs_nothing(self):
        feats, gains = example()
        self.assertEqual(residual_loss(0.5 * gains, gains, feats).item(), 0)

    def test_pauses_weigh_more_than_speech(self):
        # The same gain error leaves audible noise where the clean band is
        # silent and hardly any where speech is loud.
        feats, gains = example()
        pause = gains.clone()
        pause[..., :] = 0
        loud = torch.ones_like(gains)
        pred = torch.full_like(gains, 0.2)
        self.assertGreater(residual_loss((pause + 0.2).clamp(max=1), pause, feats).item(),
                           residual_loss((loud * 0.8 + pred).clamp(max=1), loud * 0.8, feats).item())

    def test_gradient_is_finite(self):
        feats, gains = example()
        pred = torch.rand(gains.shape, requires_grad=True)
        residual_loss(pred, gains, feats).backward()
        self.assertTrue(torch.all(torch.isfinite(pred.grad)))
        # Bands that may take any gain (target -1) count for nothing.
        g = torch.full_like(gains, -1.0)
        pred = torch.rand(gains.shape, requires_grad=True)
        loss = residual_loss(pred, g, feats)
        self.assertEqual(loss.item(), 0)


class GainLossTest(unittest.TestCase):
    def gain_loss(self, pred, gains, gamma):
        speech = torch.zeros(gains.shape[:-1] + (1,))
        pv = torch.full_like(speech, 0.5)
        return loss_fn(pred, pv, gains, speech, cut_weight=1.0, gamma=gamma)[1].item()

    def test_gamma_one_half_compares_square_roots(self):
        _, gains = example()
        pred = (gains + 0.1).clamp(max=1)
        d = torch.sqrt(pred + 1e-6) - torch.sqrt(gains + 1e-6)
        want = (d * d + 10 * d ** 4).mean().item()
        self.assertAlmostEqual(self.gain_loss(pred, gains, 0.5), want, places=6)

    def test_a_lower_gamma_weighs_noise_left_in_pauses_more(self):
        # The same excess of 0.05 in a pause (target 0.01) and in speech
        # (target 0.8): compressing harder makes the pause's error count
        # more against the speech's.
        pause, loud = torch.full((1, 1, BANDS), 0.01), torch.full((1, 1, BANDS), 0.8)
        ratio = {}
        for gamma in (0.5, 0.25):
            ratio[gamma] = self.gain_loss(pause + 0.05, pause, gamma) / self.gain_loss(loud + 0.05, loud, gamma)
        self.assertGreater(ratio[0.25], ratio[0.5])


class PauseLossTest(unittest.TestCase):
    def setUp(self):
        _, self.gains = example()
        # Speech labels following the example's on/off envelope.
        self.speech = (self.gains.mean(-1) > 0.4).float()

    def test_only_gain_above_the_ideal_in_pauses_costs(self):
        self.assertEqual(pause_loss(self.gains, self.gains, self.speech).item(), 0)
        self.assertEqual(pause_loss(0.5 * self.gains, self.gains, self.speech).item(), 0, "cutting costs nothing")
        self.assertGreater(pause_loss((self.gains + 0.1).clamp(max=1), self.gains, self.speech).item(), 0)

    def test_speech_frames_count_for_nothing(self):
        pred = self.gains.clone()
        pred[self.speech > 0.5] = 1  # too open, but only where there is speech
        self.assertEqual(pause_loss(pred, self.gains, self.speech).item(), 0)

    def test_more_noise_left_costs_more(self):
        little = pause_loss((self.gains + 0.05).clamp(max=1), self.gains, self.speech).item()
        much = pause_loss((self.gains + 0.3).clamp(max=1), self.gains, self.speech).item()
        self.assertGreater(much, little)


class FoldedWeightsTest(unittest.TestCase):
    def test_loading_folded_weights_gives_the_same_network(self):
        torch.manual_seed(0)
        model = GainNet(3 * BANDS, BANDS, 16)
        model.mean.uniform_(-1, 1)
        model.std.uniform_(0.5, 2)
        feats, _ = example(frames=20)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "gainnet.bin")
            write_tensors(path, folded_tensors(model))
            loaded = GainNet(3 * BANDS, BANDS, 16)
            load_folded(loaded, read_tensors(path))
        with torch.no_grad():
            want, _ = model(feats)
            got, _ = loaded(feats)
        self.assertLess((want - got).abs().max().item(), 1e-5)


if __name__ == "__main__":
    unittest.main()
