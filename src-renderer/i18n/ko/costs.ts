/** 비용: 이 화면이 보여 줄 내용. 키는 en/costs.ts와 같아야 합니다. */
import type en from '../en/costs'

const ko: typeof en = {
  costs: {
    coming: {
      shows: [
        '버킷과 접두사마다 스토리지 클래스별 바이트 수와 객체 수',
        'CloudWatch 스토리지 지표(버킷 크기와 상관없이 저렴함) 또는 접두사 목록을 정확히 훑어서',
        '날짜가 적힌 리전별 가격표로 계산하며, 최소 보관 기간과 최소 과금 크기를 반영',
      ],
    },
  },
}

export default ko
