/** CloudFront: 이 화면이 보여 줄 내용. 키는 en/cloudfront.ts와 같아야 합니다. */
import type en from '../en/cloudfront'

const ko: typeof en = {
  cloudfront: {
    coming: {
      shows: [
        '배포와 그 오리진, 별칭, 상태 — 오리진을 누르면 해당 버킷이 열림',
        'CloudWatch와 액세스 로그로 본 캐시 적중 통계: 시간별 적중률, 가장 많이 놓친 경로, 엣지 로케이션',
        '무효화 요청과 완료될 때까지의 진행 상황',
      ],
      linked: '배포 {id}',
    },
  },
}

export default ko
