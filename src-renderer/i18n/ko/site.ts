/** 사이트: 이 화면이 보여 줄 내용. 키는 en/site.ts와 같아야 합니다. */
import type en from '../en/site'

const ko: typeof en = {
  site: {
    coming: {
      shows: [
        '웹사이트 하나를 처음부터 끝까지: DNS 레코드, 이를 제공하는 배포, 그 뒤의 버킷',
        '파이프라인에서 본 현재 배포된 릴리스',
        '사이트를 저장하고 제공하는 비용',
      ],
      linked: '{id}',
    },
  },
}

export default ko
