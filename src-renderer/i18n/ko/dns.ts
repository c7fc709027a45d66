/** DNS: 이 화면이 보여 줄 내용. 키는 en/dns.ts와 같아야 합니다. */
import type en from '../en/dns'

const ko: typeof en = {
  dns: {
    coming: {
      shows: [
        '호스팅 영역과 레코드 — 별칭을 누르면 해당 배포가 열림',
        '레코드 변경은 변경 배치로 보내며, 보내기 전에 차이를 보여 주고 INSYNC가 될 때까지 추적',
        'BIND 영역 파일 가져오기와 내보내기',
      ],
      linked: '호스팅 영역 {id}',
    },
  },
}

export default ko
