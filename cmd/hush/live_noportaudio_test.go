//go:build !portaudio

package main

import (
	"testing"

	"github.com/hushaudio/hush/internal/live"
	"github.com/stretchr/testify/assert"
)

func TestLivePortAudioNeedsTheTag(t *testing.T) {
	_, err := openLiveBackend("portaudio")
	assert.ErrorIs(t, err, live.ErrNoAudioSupport)
}
