import DefaultTheme from 'vitepress/theme'
import type { Theme } from 'vitepress'
import PaperDemo from './PaperDemo.vue'

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('PaperDemo', PaperDemo)
  },
} satisfies Theme
