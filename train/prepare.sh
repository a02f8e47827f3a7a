#!/usr/bin/env bash
# Decodes the training speech from Debian packages into
# train/work/speech/<source>/<speaker>/ as 16 kHz mono 16-bit WAV, and the
# voices kept out of training (for train/gen -devset) into
# train/work/heldout/<source>/<speaker>/. Asterisk prompts that the dev
# mixture set uses (../shared/data/dev16k/clean) are left out, so that no
# test prompt is trained on. Never used: asterisk-core-sounds-fr* and -ru*
# (voices reserved for an independent check) and anything under
# ../shared/data/dev16k. Idempotent: packages already installed and files
# already decoded are kept. Which decoded files are speech, and how much,
# is decided by train/gen's screen (go run ./train/gen -survey).
set -euo pipefail
cd "$(dirname "$0")/.."
# libopenblas0-openmp: Debian's PyTorch calls whichever BLAS the system
# provides, and with the reference BLAS that Debian otherwise installs one
# training step takes between five and six times as long (1.52 s against
# 0.27 s here).
tools="python3-torch python3-numpy libopenblas0-openmp ffmpeg unzip"
speech_pkgs="asterisk-core-sounds-en-g722 asterisk-core-sounds-es-g722 asterisk-core-sounds-it-g722
	fillets-ng-data-cs fillets-ng-data-nl asterisk-prompt-es-co asterisk-prompt-fr-armelle
	asterisk-prompt-it-menardi-wav klettres-data ktuberling-data hedgewars-data gcin-voice 0ad-data"
missing=""
for p in $tools $speech_pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	# --no-install-recommends: asterisk-prompt-fr-armelle would pull in
	# Asterisk itself, and the game data packages their games.
	$SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
shared=../shared/data/dev16k/clean
out=train/work/speech
heldout=train/work/heldout
# Voices kept out of training for the generalisation set (train/gen
# -devset). Its talkers: Greek (ktuberling), Hungarian (klettres), an
# English voice-acting pack (hedgewars Pirate), both Old Persian voices of
# 0 A.D.; its babble: Slovenian and Irish (ktuberling), Norwegian Bokmål
# (klettres), two more hedgewars packs and a Meroitic voice of 0 A.D.
held="ktuberling/el klettres/hu hedgewars/Pirate 0ad/persian-male 0ad/persian-female
	ktuberling/sl ktuberling/ga klettres/nb hedgewars/Mobster hedgewars/Surfer 0ad/napatan-male"
# A voice held out after it was decoded for training leaves training.
for h in $held; do rm -rf "${out:?}/$h"; done
list=$(mktemp)
trap 'rm -f "$list"' EXIT
# add SOURCE SPEAKER FILE...: queue files for decoding as SOURCE/SPEAKER/NAME.wav,
# where NAME is the file's path below the common folder given as $base.
add() {
	local src=$1 spk=$2 root=$out; shift 2
	case " $(echo $held) " in *" $src/$spk "*) root=$heldout ;; esac
	local f rel
	for f in "$@"; do
		rel=${f#"$base"/}; rel=${rel%.*}
		echo "$f	$root/$src/$spk/${rel//\//_}.wav"
	done >> "$list"
}
files() { find "$@" -type f | LC_ALL=C sort; }
# not_dev DIR: files of DIR except those the dev mixtures use, by name.
not_dev() {
	local f
	while read -r f; do
		[ -e "$1/$(basename "${f%.*}").wav" ] || echo "$f"
	done
}

# Asterisk core prompts (CC-BY-SA-3.0), as used before.
base=/usr/share/asterisk/sounds/en_US_f_Allison
mapfile -t fs < <(files "$base" -name '*.g722' -not -path '*/silence/*' | not_dev "$shared/asterisk_en_Allison_F")
add asterisk-en allison "${fs[@]}"
base=/usr/share/asterisk/sounds/es_MX_f_Allison
mapfile -t fs < <(files "$base" -name '*.g722' -not -path '*/silence/*')
add asterisk-es allison "${fs[@]}"
base=/usr/share/asterisk/sounds/it_IT_m_Carlo
mapfile -t fs < <(files "$base" -name '*.g722' -not -path '*/silence/*' | not_dev "$shared/asterisk_it_Carlo_M")
add asterisk-it carlo "${fs[@]}"
# Fish Fillets NG voice acting (GPL-2), as used before.
base=/usr/share/games/fillets-ng/sound
for lang in cs nl; do
	mapfile -t fs < <(files "$base" -path "*/$lang/*.ogg")
	add "fillets-$lang" cast "${fs[@]}"
done
# Further Asterisk prompt voices, 8 kHz originals.
base=/usr/share/asterisk/sounds/es
mapfile -t fs < <(files "$base" -name '*.gsm')
add asterisk-es-co july "${fs[@]}"
base=/usr/share/asterisk/sounds/fr
mapfile -t fs < <(files "$base" -name '*.gsm')
add asterisk-fr-armelle armelle "${fs[@]}"
base=/usr/share/asterisk/sounds/it_IT_f_Menardi
mapfile -t fs < <(files "$base" -name '*.wav' -not -path '*/silence/*')
add asterisk-it-menardi paola "${fs[@]}"
# KLettres: letters and syllables, one voice per language.
for d in /usr/share/klettres/*/; do
	lang=$(basename "$d"); base=${d%/}
	mapfile -t fs < <(files "$base" -name '*.ogg')
	[ ${#fs[@]} -gt 0 ] && add klettres "$lang" "${fs[@]}"
done
# KTuberling: names of the toy's pieces, one voice per language.
for d in /usr/share/ktuberling/sounds/*/; do
	lang=$(basename "$d"); base=${d%/}
	mapfile -t fs < <(files "$base" \( -name '*.wav' -o -name '*.ogg' \))
	[ ${#fs[@]} -gt 0 ] && add ktuberling "$lang" "${fs[@]}"
done
# Hedgewars voice packs (GFDL-1.3); the vocoded Robot pack is not a human voice.
for d in /usr/share/games/hedgewars/Data/Sounds/voices/*/; do
	pack=$(basename "$d"); base=${d%/}
	[ "$pack" = Robot ] && continue
	mapfile -t fs < <(files "$base" -name '*.ogg')
	add hedgewars "$pack" "${fs[@]}"
done
# gcin-voice: Mandarin syllables in two voices (3.ogg GPL-3/LGPL-3, 5.ogg CC-BY-3.0).
base=/usr/share/gcin-voice/ogg
for v in 3 5; do
	mapfile -t fs < <(files "$base" -name "$v.ogg")
	add gcin "voice$v" "${fs[@]}"
done
# 0 A.D. unit voices (CC-BY-SA-3.0), kept inside the game's archive.
zip=/usr/share/games/0ad/mods/public/public.zip
x=train/work/extract/0ad
if [ ! -e "$x/.done" ]; then
	rm -rf "$x"; mkdir -p "$x"
	unzip -q -o "$zip" 'audio/voice/*.ogg' -d "$x"
	touch "$x/.done"
fi
for d in "$x"/audio/voice/*/civ/; do
	civ=$(basename "$(dirname "$d")"); base=${d%/}
	for g in male female; do
		mapfile -t fs < <(files "$base" -name "civ_${g}_*.ogg")
		[ ${#fs[@]} -gt 0 ] && add 0ad "$civ-$g" "${fs[@]}"
	done
done

# The speech of the previous layout (train/work/speech/{en,es,it,cs,nl})
# is decoded anew under the names above; the old folders would be read
# twice.
for old in en es it cs nl; do rm -rf "${out:?}/$old"; done
# Decode what is missing: ffmpeg takes about a third of a second to start
# and a few milliseconds per prompt, so each call decodes up to 64 files,
# two calls at a time. Files appear under their names only when complete.
cut -f2 "$list" | xargs -r -d '\n' dirname | sort -u | xargs -r -d '\n' mkdir -p
decode() { # SRC DST SRC DST ...
	local args=() outs=() i=0
	while [ $# -ge 2 ]; do
		args+=(-i "$1"); outs+=(-map "$i:a:0" -ac 1 -ar 16000 -c:a pcm_s16le "$2.tmp.wav")
		shift 2; i=$((i + 1))
	done
	ffmpeg -nostdin -loglevel error -y "${args[@]}" "${outs[@]}"
}
# decode_batch SRC DST ...: one ffmpeg call for the batch; should any file
# in it be unreadable (asterisk-prompt-es-co ships two broken GSM files),
# one call per file, leaving out those that fail with a note.
decode_batch() {
	if decode "$@" 2>/dev/null; then
		for ((k = 2; k <= $#; k += 2)); do mv "${!k}.tmp.wav" "${!k}"; done
		return
	fi
	while [ $# -ge 2 ]; do
		if decode "$1" "$2" 2>/dev/null; then mv "$2.tmp.wav" "$2"; else rm -f "$2.tmp.wav"; echo "prepare: skipped unreadable $1" >&2; fi
		shift 2
	done
}
export -f decode decode_batch
while IFS=$'\t' read -r src dst; do [ -e "$dst" ] || printf '%s\0%s\0' "$src" "$dst"; done < "$list" |
	xargs -r -0 -n 128 -P "$(nproc)" bash -c 'decode_batch "$@"' _
for root in "$out" "$heldout"; do
	for d in "$root"/*/; do
		printf '%s: %s files\n' "${d%/}" "$(find "$d" -name '*.wav' | wc -l)"
	done
done
# The training noise comes as FLAC; decode it to WAV beside the speech.
noise=../shared/data/train-noise
find "$noise" -name '*.flac' | sort | while read -r f; do
	rel=${f#"$noise"/}; dst=train/work/noise/${rel%.flac}.wav
	[ -e "$dst" ] || { mkdir -p "$(dirname "$dst")"; printf '%s\0%s\0' "$f" "$dst"; }
done | xargs -r -0 -n 128 -P "$(nproc)" bash -c 'decode_batch "$@"' _
printf 'noise: %s files\n' "$(find train/work/noise -name '*.wav' | wc -l)"
