// The grade card drawn on a canvas, for "Save card as PNG": the letter, the endpoint, the
// negotiated TLS and the reasons, in the colours the card has on screen.
import type { DomainSection, EndpointSection } from '../core/report/input';

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

/** What a card shows, for an endpoint or a domain. */
export interface CardText {
  letter: string;
  title: string;
  meta: string;
  score: string | null;
  reasons: string[];
}

export function endpointCard(section: EndpointSection): CardText {
  const tls = section.result.tls;
  const { grade } = section;
  return {
    letter: grade.letter ?? '–',
    title: section.result.target,
    meta: `${tls ? `${tls.version} · ${tls.cipher}${tls.group ? ` · ${tls.group}` : ''}` : 'no TLS session'} · ${section.result.startedAt.slice(0, 10)}`,
    score: grade.score === null ? null : `Score ${grade.score} / 100${grade.ifTrusted ? ` · ${grade.ifTrusted} if trusted` : ''}`,
    reasons: grade.reasons.map((r) => r.text),
  };
}

export function domainCard(domain: DomainSection): CardText {
  return {
    letter: domain.letter ?? '–',
    title: domain.domain,
    meta: `${domain.mx.length} MX host${domain.mx.length === 1 ? '' : 's'} · graded as its weakest MX`,
    score: null,
    reasons: domain.reasons,
  };
}

export function drawCard(text: CardText, card: HTMLElement): string {
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
  const reasons = text.reasons.flatMap((r) => wrap(ctx, `• ${r}`, WIDTH - textX - PAD));
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
  ctx.fillText(text.letter, PAD + 44, PAD + 46);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = fg;
  ctx.font = `600 18px ${font}`;
  ctx.fillText(text.title, textX, PAD + 18, WIDTH - textX - PAD);
  ctx.font = `14px ${font}`;
  ctx.fillStyle = muted;
  ctx.fillText(text.meta, textX, PAD + 42, WIDTH - textX - PAD);
  if (text.score !== null) {
    ctx.fillStyle = fg;
    ctx.fillText(text.score, textX, PAD + 64);
  }
  reasons.forEach((line, i) => {
    ctx.fillStyle = line.startsWith('• capped') || line.startsWith('• T ') ? fg : muted;
    ctx.fillText(line, textX, PAD + 90 + i * 19);
  });
  return canvas.toDataURL('image/png');
}
