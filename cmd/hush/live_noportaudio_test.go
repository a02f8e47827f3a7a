//go:build !portaudio

package main

import (
	"testing"

	"github.com/hushaudio/hush/internal/live"
	"github.com/stretchr/testify/assert"
)

func TestLiveBackendNeedsTheTag(t *testing.T) {
	_, err := openLiveBackend()
	assert.ErrorIs(t, err, live.ErrNoAudioSupport)
}
