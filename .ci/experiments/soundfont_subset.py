"""A compact subset of a General-MIDI SoundFont: could a second set of recordings small enough to bundle replace FluidR3?

Keeps the presets the SynthInstruments training timbres play (each class's training programs over its pitch range, the drum
kits at the training drum keys), only the instrument zones whose key range meets those keys, their samples resampled to at
most MAX_RATE Hz (loop points scaled) and, for samples no zone loops, cut to MAX_SECONDS with a 50 ms fade. The rest of the
file (INFO, the presets' and instruments' generators and modulators) is copied as it is, indices renumbered (SoundFont 2.04:
RIFF 'sfbk' with LIST INFO, LIST sdta ('smpl', 16-bit PCM) and LIST pdta, nine tables: phdr → pbag → pgen (41 instrument),
inst → ibag → igen (43 key range, 53 sample, 54 sample modes), shdr; each sample followed by 46 zero samples).

usage: python .ci/experiments/soundfont_subset.py SOURCE.sf2 OUT.sf2 [MAX_RATE [MAX_SECONDS]]
       e.g. ... /usr/share/sounds/sf2/FluidR3_GM.sf2 fluid16k.sf2 16000 1.5   (13.8 MB from 148 MB)
`check` instead of OUT with no limits: renders a few melodies and drum hits from the source and from an unresampled, uncut
subset with midirenderer, and says whether they are equal sample for sample."""
import io, struct, sys, wave
from pathlib import Path
import numpy as np, torch, torchaudio

GEN_INSTRUMENT, GEN_KEY_RANGE, GEN_SAMPLE_ID, GEN_SAMPLE_MODES = 41, 43, 53, 54
PAD = 46  # zero samples after each sample, as the format asks
FORMATS = dict(phdr='<20sHHHIII', pbag='<HH', pmod='<10s', pgen='<HH', inst='<20sH', ibag='<HH', imod='<10s', igen='<HH', shdr='<20sIIIIIBbHH')
TABLES = tuple(FORMATS)

def chunks(data, start, end):
    "(id, payload start, payload end) of the RIFF chunks in data[start:end]"
    while start + 8 <= end:
        size = struct.unpack_from('<I', data, start + 4)[0]
        yield data[start:start + 4], start + 8, start + 8 + size
        start += 8 + size + (size & 1)

def read_soundfont(path):
    "{list name: {chunk name: bytes}} of a SoundFont 2 file."
    data = Path(path).read_bytes()
    if data[:4] != b'RIFF' or data[8:12] != b'sfbk': raise ValueError(f'{path}: not a SoundFont 2 file')
    return {data[s:s + 4]: {c: data[cs:ce] for c, cs, ce in chunks(data, s + 4, e)} for _, s, e in chunks(data, 12, len(data))}

def table(pdta, name):
    fmt = FORMATS[name]; size = struct.calcsize(fmt); raw = pdta[name.encode()]
    return [list(struct.unpack_from(fmt, raw, i)) for i in range(0, len(raw), size)]

def key_range(generators):
    return next(((a & 0xFF, a >> 8) for o, a in generators if o == GEN_KEY_RANGE), (0, 127))

def sample_of(generators):
    "The sample an instrument zone plays; None for a global zone."
    return next((a for o, a in generators if o == GEN_SAMPLE_ID), None)

def sounds_any(generators, keys):
    "Whether a zone's key range meets `keys`."
    low, high = key_range(generators)
    return any(low <= k <= high for k in keys)

def subset_soundfont(source, out, wanted, max_rate=None, max_seconds=None):
    "Write to `out` the presets of `source` in `wanted` ({(bank, program): keys}), only the zones of those keys, samples resampled and cut."
    lists = read_soundfont(source); pdta = lists[b'pdta']
    samples = np.frombuffer(lists[b'sdta'][b'smpl'], np.int16)
    ph, pb, pm, pg, ins, ib, im, ig, sh = (table(pdta, name) for name in TABLES)
    def zones(bags, gens, first, last): return [(b, [tuple(gens[g]) for g in range(bags[b][0], bags[b + 1][0])]) for b in range(first, last)]
    presets, instrument_keys = [i for i in range(len(ph) - 1) if (ph[i][2], ph[i][1]) in wanted], {}
    missing = set(wanted) - {(ph[i][2], ph[i][1]) for i in presets}
    if missing: raise ValueError(f'{source}: no preset for (bank, program) {sorted(missing)}')
    for i in presets:
        keys = wanted[(ph[i][2], ph[i][1])]
        for _, gens in zones(pb, pg, ph[i][3], ph[i + 1][3]):
            low, high = key_range(gens)
            for instrument in (a for o, a in gens if o == GEN_INSTRUMENT):
                instrument_keys.setdefault(instrument, set()).update(k for k in keys if low <= k <= high)
    instrument_zones, looped = {}, {}
    for i in sorted(instrument_keys):
        kept = [(b, gens) for b, gens in zones(ib, ig, ins[i][1], ins[i + 1][1]) if sample_of(gens) is None or sounds_any(gens, instrument_keys[i])]
        sounding = [gens for _, gens in kept if sample_of(gens) is not None]
        if not sounding: continue  # an instrument with no zone left is left out, and the preset zones that point to it
        instrument_zones[i] = [b for b, _ in kept]
        for gens in sounding:
            looped[sample_of(gens)] = looped.get(sample_of(gens), False) or any(o == GEN_SAMPLE_MODES and a & 1 for o, a in gens)
    for s in list(looped):  # a stereo sample's other side
        if sh[s][9] in (2, 4) and sh[s][8] not in looped: looped[sh[s][8]] = looped[s]
    order = sorted(looped); index = {s: k for k, s in enumerate(order)}
    headers, data, offset = [], [], 0
    for s in order:
        name, start, end, loop_start, loop_end, rate, pitch, correction, link, kind = sh[s]
        sound, loop_start, loop_end = samples[start:end].astype(np.float32), loop_start - start, loop_end - start
        if max_seconds and not looped[s] and len(sound) > max_seconds * rate:
            n, fade = int(max_seconds * rate), int(0.05 * rate)
            sound = sound[:n].copy(); sound[-fade:] *= np.linspace(1, 0, fade)
        if max_rate and rate > max_rate:
            sound = torchaudio.functional.resample(torch.from_numpy(sound)[None], rate, max_rate)[0].numpy()
            loop_start, loop_end, rate = round(loop_start * max_rate / rate), round(loop_end * max_rate / rate), max_rate
        sound = np.clip(np.round(sound), -32768, 32767).astype(np.int16)
        loop_start, loop_end = min(loop_start, len(sound)), min(loop_end, len(sound))
        headers.append([name, offset, offset + len(sound), offset + loop_start, offset + loop_end, rate, pitch, correction, index.get(link, 0), kind])
        data += [sound, np.zeros(PAD, np.int16)]; offset += len(sound) + PAD
    headers.append([b'EOS'] + [0] * 9)
    instrument_index = {i: k for k, i in enumerate(sorted(instrument_zones))}
    inst, ibag, imod, igen = [], [], [], []
    for i in sorted(instrument_zones):
        inst.append([ins[i][0], len(ibag)])
        for b in instrument_zones[i]:
            ibag.append([len(igen), len(imod)])
            imod += [im[m] for m in range(ib[b][1], ib[b + 1][1])]
            igen += [[o, index[a] if o == GEN_SAMPLE_ID else a] for o, a in (ig[g] for g in range(ib[b][0], ib[b + 1][0]))]
    inst.append([b'EOI', len(ibag)]); ibag.append([len(igen), len(imod)]); imod.append([b'\0' * 10]); igen.append([0, 0])
    phdr, pbag, pmod, pgen = [], [], [], []
    for i in presets:
        phdr.append(ph[i][:3] + [len(pbag)] + ph[i][4:])
        for b, gens in zones(pb, pg, ph[i][3], ph[i + 1][3]):
            instruments = [a for o, a in gens if o == GEN_INSTRUMENT]
            if instruments and instruments[0] not in instrument_index: continue
            pbag.append([len(pgen), len(pmod)])
            pmod += [pm[m] for m in range(pb[b][1], pb[b + 1][1])]
            pgen += [[o, instrument_index[a] if o == GEN_INSTRUMENT else a] for o, a in gens]
    phdr.append([b'EOP', 0, 0, len(pbag), 0, 0, 0]); pbag.append([len(pgen), len(pmod)]); pmod.append([b'\0' * 10]); pgen.append([0, 0])
    def chunk(name, payload): return name + struct.pack('<I', len(payload)) + payload + b'\0' * (len(payload) & 1)
    def riff_list(kind, parts): return chunk(b'LIST', kind + b''.join(parts))
    rows = dict(phdr=phdr, pbag=pbag, pmod=pmod, pgen=pgen, inst=inst, ibag=ibag, imod=imod, igen=igen, shdr=headers)
    pdta_out = [chunk(n.encode(), b''.join(struct.pack(FORMATS[n], *r) for r in rows[n])) for n in TABLES]
    body = (b'sfbk' + riff_list(b'INFO', [chunk(k, v) for k, v in lists[b'INFO'].items()])
            + riff_list(b'sdta', [chunk(b'smpl', np.concatenate(data).tobytes())]) + riff_list(b'pdta', pdta_out))
    Path(out).write_bytes(b'RIFF' + struct.pack('<I', len(body)) + body)

def training_keys():
    "{(bank, program): keys} the SynthInstruments training timbres play: melodies over each class's pitches, drum kits (bank 128) at the drum keys."
    from objects_that_sound.synth.scenes import SYNTH_CLASSES, _timbre  # the generator's own choice of a class's training timbres
    wanted = {}
    for c in (c for c in SYNTH_CLASSES if c.sound in ('melody', 'percussion')):
        programs, drum_keys = _timbre(c, 'train')
        keys = range(c.pitches[0], c.pitches[1] + 1) if c.sound == 'melody' else drum_keys
        for program in programs: wanted.setdefault((0 if c.sound == 'melody' else 128, program), set()).update(keys)
    return wanted

def _render(soundfont: bytes, program, pitches, drum=False):
    import midirenderer, pretty_midi
    midi = pretty_midi.PrettyMIDI(); instrument = pretty_midi.Instrument(program=program, is_drum=drum)
    instrument.notes = [pretty_midi.Note(velocity=100, pitch=p, start=0.3 * i, end=0.3 * i + 0.25) for i, p in enumerate(pitches)]
    midi.instruments.append(instrument); buffer = io.BytesIO(); midi.write(buffer)
    with wave.open(io.BytesIO(midirenderer.render_wave_from(soundfont, buffer.getvalue()))) as w: return np.frombuffer(w.readframes(w.getnframes()), np.int16)

if __name__ == '__main__':
    source, out = sys.argv[1], sys.argv[2]
    if out == 'check':
        import tempfile
        with tempfile.TemporaryDirectory() as folder:
            subset_soundfont(source, Path(folder)/'exact.sf2', training_keys())
            full, small = Path(source).read_bytes(), (Path(folder)/'exact.sf2').read_bytes()
            for program, pitches, drum in [(0, [48, 60, 72, 84], False), (40, [55, 70, 88], False), (0, [36, 38, 42, 46, 70], True)]:
                print(f'program {program}{" (drums)" if drum else ""}: equal', np.array_equal(_render(full, program, pitches, drum), _render(small, program, pitches, drum)))
    else:
        subset_soundfont(source, out, training_keys(), *(float(a) if '.' in a else int(a) for a in sys.argv[3:]))
        print(f'{out}: {Path(out).stat().st_size / 1e6:.1f} MB')
