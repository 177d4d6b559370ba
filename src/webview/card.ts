// The grade card drawn on a canvas, for "Save card as PNG": the letter, the endpoint, the
// negotiated TLS and the reasons, in the colours the card has on screen.
import type { EndpointSection } from '../core/report/input';

const WIDTH = 720;
const PAD = 24;

function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export function drawCard(section: EndpointSection, card: HTMLElement): string {
  const style = getComputedStyle(card);
  const colour = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const grade = colour('--mt-grade', '#1a7f37');
  const bg = colour('--mt-card', '#f6f8fa');
  const fg = colour('--mt-fg', '#1f2328');
  const muted = colour('--mt-muted', '#59636e');
  const onGrade = colour('--mt-on-grade', '#ffffff');
  const font = colour('--mt-font', 'sans-serif');
  const scale = 2;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  const textX = PAD + 110;
  ctx.font = `14px ${font}`;
  const reasons = section.grade.reasons.flatMap((r) => wrap(ctx, `• ${r.text}`, WIDTH - textX - PAD));
  const height = Math.max(150, 96 + reasons.length * 19 + PAD);
  canvas.width = WIDTH * scale;
  canvas.height = height * scale;
  ctx.scale(scale, scale);
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, WIDTH, height);
  ctx.fillStyle = grade;
  ctx.fillRect(0, 0, 6, height);
  ctx.beginPath();
  ctx.roundRect(PAD, PAD, 88, 88, 10);
  ctx.fill();
  ctx.fillStyle = onGrade;
  ctx.font = `700 46px ${font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(section.grade.letter ?? '–', PAD + 44, PAD + 46);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = fg;
  ctx.font = `600 18px ${font}`;
  ctx.fillText(section.result.target, textX, PAD + 18, WIDTH - textX - PAD);
  const tls = section.result.tls;
  ctx.font = `14px ${font}`;
  ctx.fillStyle = muted;
  ctx.fillText(`${tls ? `${tls.version} · ${tls.cipher}${tls.group ? ` · ${tls.group}` : ''}` : 'no TLS session'} · ${section.result.startedAt.slice(0, 10)}`, textX, PAD + 42, WIDTH - textX - PAD);
  if (section.grade.score !== null) {
    ctx.fillStyle = fg;
    ctx.fillText(`Score ${section.grade.score} / 100${section.grade.ifTrusted ? ` · ${section.grade.ifTrusted} if trusted` : ''}`, textX, PAD + 64);
  }
  reasons.forEach((line, i) => {
    ctx.fillStyle = line.startsWith('• capped') || line.startsWith('• T ') ? fg : muted;
    ctx.fillText(line, textX, PAD + 90 + i * 19);
  });
  return canvas.toDataURL('image/png');
}
