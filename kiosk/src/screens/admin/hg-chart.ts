import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

/** The shop's chart colours: ink, terracotta, sage, sand, slate, plum. */
export const CHART_COLOURS = ['#2f3b4c', '#c8643b', '#6f9a7c', '#d8b36a', '#7d8ea3', '#9a6b8f', '#b9c4cf'];

/** One Chart.js chart; setting `config` again redraws it. */
@customElement('hg-chart')
export class HgChart extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      height: var(--hg-chart-height, 240px);
    }
    canvas {
      width: 100%;
      height: 100%;
    }
  `;

  /** What to draw, as Chart.js takes it. */
  @property({ attribute: false }) config: ChartConfiguration | null = null;
  /** A text alternative for screen readers. */
  @property() label = '';

  @query('canvas') private _canvas!: HTMLCanvasElement;
  private _chart: Chart | null = null;

  protected override render() {
    return html`<canvas role="img" aria-label=${this.label}></canvas>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('config')) return;
    this._chart?.destroy();
    this._chart = null;
    if (!this.config) return;
    this._chart = new Chart(this._canvas, {
      ...this.config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...this.config.options },
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._chart?.destroy();
    this._chart = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-chart': HgChart;
  }
}
