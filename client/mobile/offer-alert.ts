/**
 * A new offer rings and vibrates: three short tones from the Web Audio API (no sound file to download) and a
 * vibration pattern. Browsers allow sound only after the page was touched once; the sign-in or duty tap does
 * that, and `unlockSound` resumes the audio context on that first touch.
 */
let context: AudioContext | null = null;

export function unlockSound(): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
  } catch {
    context = null;
  }
}

export function alertNewOffer(): void {
  if ('vibrate' in navigator) navigator.vibrate([300, 120, 300, 120, 300]);
  if (!context) return;
  const start = context.currentTime;
  for (let i = 0; i < 3; i++) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, start + i * 0.35);
    gain.gain.exponentialRampToValueAtTime(0.4, start + i * 0.35 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.35 + 0.25);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + i * 0.35);
    oscillator.stop(start + i * 0.35 + 0.26);
  }
}
