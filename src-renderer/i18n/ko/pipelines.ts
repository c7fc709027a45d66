/** 파이프라인: 이 화면이 보여 줄 내용. 키는 en/pipelines.ts와 같아야 합니다. */
import type en from '../en/pipelines'

const ko: typeof en = {
  pipelines: {
    coming: {
      shows: ['파이프라인과 각 단계·작업의 현재 상태', '실패한 실행을 포함한 실행별 타임라인', '수동 승인을 여기서 승인하거나 거부'],
      linked: '파이프라인 {id}',
    },
  },
}

export default ko
