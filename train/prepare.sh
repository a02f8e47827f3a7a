#!/usr/bin/env bash
# Decodes the training speech from Debian packages into train/work/speech as
# 16 kHz mono 16-bit WAV. Asterisk prompts that the dev mixture set uses
# (../shared/data/dev16k/clean) are left out, so that no test prompt is
# trained on. Idempotent: files already decoded are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
# libopenblas0-openmp: Debian's PyTorch calls whichever BLAS the system
# provides, and with the reference BLAS that Debian otherwise installs one
# training step takes between five and six times as long (1.52 s against
# 0.27 s here).
pkgs="python3-torch python3-numpy libopenblas0-openmp asterisk-core-sounds-en-g722 asterisk-core-sounds-es-g722 asterisk-core-sounds-it-g722 fillets-ng-data-cs fillets-ng-data-nl ffmpeg"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing
fi
shared=../shared/data/dev16k/clean
out=train/work/speech
mkdir -p "$out"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
add() { # lang dir ext exclude-dir
	local lang=$1 dir=$2 ext=$3 excl=${4:-}
	find "$dir" -name "*.$ext" -not -path '*/silence/*' | sort | while read -r f; do
		base=$(basename "$f" ".$ext")
		rel=${f#"$dir"/}; rel=${rel%."$ext"}; name=${rel//\//_}
		if [ -n "$excl" ] && [ -e "$excl/$base.wav" ]; then continue; fi
		echo "$f $out/$lang/$name.wav"
	done >> "$list"
	mkdir -p "$out/$lang"
}
add en /usr/share/asterisk/sounds/en_US_f_Allison g722 "$shared/asterisk_en_Allison_F"
add es /usr/share/asterisk/sounds/es_MX_f_Allison g722
add it /usr/share/asterisk/sounds/it_IT_m_Carlo g722 "$shared/asterisk_it_Carlo_M"
for lang in cs nl; do
	find /usr/share/games/fillets-ng/sound -path "*/$lang/*.ogg" | sort | while read -r f; do
		rel=${f#/usr/share/games/fillets-ng/sound/}; name=${rel//\//_}
		echo "$f $out/$lang/${name%.ogg}.wav"
	done >> "$list"
	mkdir -p "$out/$lang"
done
# Decode what is missing, two at a time.
awk '{print $1" "$2}' "$list" | while read -r src dst; do [ -e "$dst" ] || echo "$src $dst"; done |
	xargs -r -n 2 -P "$(nproc)" sh -c 'ffmpeg -nostdin -loglevel error -y -i "$0" -ac 1 -ar 16000 -c:a pcm_s16le "$1.tmp.wav" && mv "$1.tmp.wav" "$1"'
for d in "$out"/*/; do
	printf '%s: %s files\n' "$(basename "$d")" "$(find "$d" -name '*.wav' | wc -l)"
done
# The training noise comes as FLAC; decode it to WAV beside the speech.
noise=../shared/data/train-noise
find "$noise" -name '*.flac' | sort | while read -r f; do
	rel=${f#"$noise"/}; dst=train/work/noise/${rel%.flac}.wav
	[ -e "$dst" ] || { mkdir -p "$(dirname "$dst")"; echo "$f $dst"; }
done | xargs -r -n 2 -P "$(nproc)" sh -c 'ffmpeg -nostdin -loglevel error -y -i "$0" -ac 1 -ar 16000 -c:a pcm_s16le "$1.tmp.wav" && mv "$1.tmp.wav" "$1"'
printf 'noise: %s files\n' "$(find train/work/noise -name '*.wav' | wc -l)"
