//
// nanoRouter native shim: the nanoCLR InternalCall bodies of NanoRouter.Hal.Esp32.Native.NativeShim,
// the only class of the interop assembly NanoRouter.Hal.Esp32.Native. NOT built on the Linux CI
// (needs nf-interpreter's headers).
//
// The method lookup table and the assembly checksum come from the metadata processor: building
// hal/NanoRouter.Hal.Esp32.Native/NanoRouter.Hal.Esp32.Native.nfproj (NFMDP_GENERATE_STUBS) writes
// Stubs/NanoRouter.Hal.Esp32.Native/ (NanoRouter_Hal_Esp32_Native.cpp and .h, the lookup table and
// the declarations; a per-class .cpp with empty bodies; FindINTEROP-*.cmake). Keep the lookup table
// and header; use these bodies instead of the empty ones. Method names follow the generator's
// Name___STATIC__RETURN__ARGS convention; if a signature changes, regenerate and compare.
//
#include "NanoRouter_Hal_Esp32_Native.h"
#include "nr_esp32.h"
#include "nr_kdf.h"

typedef Library_NanoRouter_Hal_Esp32_Native_NanoRouter_Hal_Esp32_Native_NativeShim NativeShim;

extern "C" void nr_esp32_wake_clr(void *ctx)
{
    (void)ctx;
    // The same flag lwIP's socket callbacks raise; waiters re-check their condition, so a
    // wake-up meant for a socket costs one ring check here and vice versa.
    Events_Set(SYSTEM_EVENT_FLAG_SOCKET);
}

// int Receive(byte[] buffer, int timeoutMs): (side << 16) | length, or 0 on timeout.
HRESULT NativeShim::Receive___STATIC__I4__SZARRAY_U1__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        CLR_RT_HeapBlock_Array *buffer = stack.Arg0().DereferenceArray();
        CLR_RT_HeapBlock hbTimeout;
        CLR_INT64 *timeoutTicks;
        bool eventResult = true;
        u32_t length = 0;
        u8_t side = 0;

        FAULT_ON_NULL(buffer);
        hbTimeout.SetInteger((CLR_INT64)stack.Arg1().NumericByRef().s4 * TIME_CONVERSION__TO_MILLISECONDS);
        NANOCLR_CHECK_HRESULT(stack.SetupTimeoutFromTicks(hbTimeout, timeoutTicks));

        while (eventResult)
        {
            length = nr_port_receive(&g_nr_port, buffer->GetFirstElement(), buffer->m_numOfElements, &side);
            if (length > 0)
            {
                break;
            }
            // Lets the other managed threads run until a packet is queued or the timeout ends.
            NANOCLR_CHECK_HRESULT(
                g_CLR_RT_ExecutionEngine.WaitEvents(stack.m_owningThread, *timeoutTicks, Event_Socket, eventResult));
        }

        stack.PopValue(); // the timeout
        stack.SetResult_I4(length == 0 ? 0 : (CLR_INT32)(((u32_t)side << 16) | length));
    }
    NANOCLR_NOCLEANUP();
}

// bool Complete(int verdict, byte[] buffer, int length, int side)
HRESULT NativeShim::Complete___STATIC__BOOLEAN__I4__SZARRAY_U1__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        CLR_INT32 verdict = stack.Arg0().NumericByRef().s4;
        CLR_RT_HeapBlock_Array *buffer = stack.Arg1().DereferenceArray();
        CLR_INT32 length = stack.Arg2().NumericByRef().s4;
        CLR_INT32 side = stack.Arg3().NumericByRef().s4;
        int queued = 0;

        FAULT_ON_NULL(buffer);
        if (length >= 0 && (CLR_UINT32)length <= buffer->m_numOfElements && verdict >= 0 && side >= 0)
        {
            queued = nr_port_complete(&g_nr_port, (u8_t)verdict, buffer->GetFirstElement(), (u32_t)length, (u8_t)side);
        }
        stack.SetResult_Boolean(queued != 0);
    }
    NANOCLR_NOCLEANUP();
}

// void Configure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh)
HRESULT NativeShim::Configure___STATIC__VOID__U4__U4__U4__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        nr_config *cfg = &g_nr_port.config;
        cfg->lan_address = stack.Arg0().NumericByRef().u4;
        cfg->lan_mask = stack.Arg1().NumericByRef().u4;
        cfg->port_low = (u32_t)stack.Arg3().NumericByRef().s4;
        cfg->port_high = (u32_t)stack.Arg4().NumericByRef().s4;
        cfg->wan_address = stack.Arg2().NumericByRef().u4; // last: WAN consumption starts here
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}

// bool SetPreserved(int protocol, int port, bool active)
HRESULT NativeShim::SetPreserved___STATIC__BOOLEAN__I4__I4__BOOLEAN(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        CLR_INT32 protocol = stack.Arg0().NumericByRef().s4;
        CLR_INT32 port = stack.Arg1().NumericByRef().s4;
        bool active = stack.Arg2().NumericByRef().u1 != 0;
        int ok = protocol > 0 && protocol < 256 && port > 0 && port < 65536 &&
                 nr_config_set_preserved(&g_nr_port.config, (u8_t)protocol, (u16_t)port, active ? 1 : 0);
        stack.SetResult_Boolean(ok != 0);
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}

// int Counters(int[] counters): fills as many as fit, returns how many.
HRESULT NativeShim::Counters___STATIC__I4__SZARRAY_I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        CLR_RT_HeapBlock_Array *counters = stack.Arg0().DereferenceArray();
        FAULT_ON_NULL(counters);
        stack.SetResult_I4(
            (CLR_INT32)nr_port_counters(&g_nr_port, (u32_t *)counters->GetFirstElement(), counters->m_numOfElements));
    }
    NANOCLR_NOCLEANUP();
}

// bool Start()
HRESULT NativeShim::Start___STATIC__BOOLEAN(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    stack.SetResult_Boolean(nr_esp32_start() != 0);
    NANOCLR_NOCLEANUP_NOLABEL();
}

// int NowMs()
HRESULT NativeShim::NowMs___STATIC__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    stack.SetResult_I4((CLR_INT32)nr_esp32_now_ms());
    NANOCLR_NOCLEANUP_NOLABEL();
}

// bool HmacChain(byte[] key, int keyCount, byte[] block, int messageLength, int iterations): PBKDF2's
// inner loop for the admin password (nr_kdf.c). The caller keeps each call short (a few ms): it
// holds the interpreter, and with it every managed thread, until it returns.
HRESULT NativeShim::HmacChain___STATIC__BOOLEAN__SZARRAY_U1__I4__SZARRAY_U1__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        CLR_RT_HeapBlock_Array *key = stack.Arg0().DereferenceArray();
        CLR_INT32 keyCount = stack.Arg1().NumericByRef().s4;
        CLR_RT_HeapBlock_Array *block = stack.Arg2().DereferenceArray();
        CLR_INT32 messageLength = stack.Arg3().NumericByRef().s4;
        CLR_INT32 iterations = stack.Arg4().NumericByRef().s4;
        int ok = 0;

        FAULT_ON_NULL(key);
        FAULT_ON_NULL(block);
        if (keyCount >= 0 && (CLR_UINT32)keyCount <= key->m_numOfElements && messageLength >= 0 && iterations >= 0)
        {
            ok = nr_hmac_chain(key->GetFirstElement(), (size_t)keyCount, block->GetFirstElement(), block->m_numOfElements,
                               (size_t)messageLength, (uint32_t)iterations);
        }
        stack.SetResult_Boolean(ok != 0);
    }
    NANOCLR_NOCLEANUP();
}

// The native flow table (nr_flows.c) for the engine's installer, through NativePacketPort's IFlowPath.
// Without a table (nr_esp32_flows() NULL: a firmware built with NR_FLOW_SLOTS 0) the capacity is 0,
// and the engine is then built without a native path (WifiRouter); should a call come anyway, the
// status calls answer NR_FLOW_INVALID (the installer keeps the flow managed, counted as refused) and
// FlowRead -1 (not live). Bad arguments (a null or short array, a negative slot) answer the same,
// never a fault: slots at or above the capacity are refused by nr_flow_* themselves.

// int FlowCapacity(): the table's slots, or 0 when the firmware has none.
HRESULT NativeShim::FlowCapacity___STATIC__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        nr_flows *flows = nr_esp32_flows();
        stack.SetResult_I4(flows != NULL ? (CLR_INT32)nr_flows_capacity(flows) : 0);
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}

// int FlowAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress): every entry removed, the
// addresses applied (NR_FLOW_BUSY while a grace period runs: the installer calls again).
HRESULT NativeShim::FlowAddresses___STATIC__I4__U4__I4__U4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        nr_flows *flows = nr_esp32_flows();
        CLR_UINT32 lanAddress = stack.Arg0().NumericByRef().u4;
        CLR_INT32 lanPrefixLength = stack.Arg1().NumericByRef().s4;
        CLR_UINT32 wanAddress = stack.Arg2().NumericByRef().u4;
        int status = NR_FLOW_INVALID;

        if (flows != NULL && lanPrefixLength >= 0)
        {
            status = nr_flows_set_addresses(flows, lanAddress, (u32_t)lanPrefixLength, wanAddress);
        }
        stack.SetResult_I4(status);
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}

// void FlowSeconds(int nowSeconds): the engine's 16-bit stamp clock, for the hook.
HRESULT NativeShim::FlowSeconds___STATIC__VOID__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        nr_flows *flows = nr_esp32_flows();
        if (flows != NULL)
        {
            nr_flows_set_seconds(flows, (u32_t)stack.Arg0().NumericByRef().s4);
        }
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}

// int FlowInstall(int slot, byte[] spec): the NR_FLOW_SPEC_BYTES at index 0 of spec.
HRESULT NativeShim::FlowInstall___STATIC__I4__I4__SZARRAY_U1(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        nr_flows *flows = nr_esp32_flows();
        CLR_INT32 slot = stack.Arg0().NumericByRef().s4;
        CLR_RT_HeapBlock_Array *spec = stack.Arg1().DereferenceArray();
        int status = NR_FLOW_INVALID;

        if (flows != NULL && slot >= 0 && spec != NULL && spec->m_numOfElements >= NR_FLOW_SPEC_BYTES)
        {
            status = nr_flows_set(flows, (u32_t)slot, spec->GetFirstElement());
        }
        stack.SetResult_I4(status);
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}

// int FlowRemove(int slot)
HRESULT NativeShim::FlowRemove___STATIC__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        nr_flows *flows = nr_esp32_flows();
        CLR_INT32 slot = stack.Arg0().NumericByRef().s4;
        stack.SetResult_I4(flows != NULL && slot >= 0 ? nr_flows_set(flows, (u32_t)slot, NULL) : NR_FLOW_INVALID);
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}

// int FlowRead(int slot, byte[] state): the slot's nr_flow_state (20 bytes) to index 0 of state;
// returns its NR_FLOW_STATE_*, or -1.
HRESULT NativeShim::FlowRead___STATIC__I4__I4__SZARRAY_U1(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    {
        nr_flows *flows = nr_esp32_flows();
        CLR_INT32 slot = stack.Arg0().NumericByRef().s4;
        CLR_RT_HeapBlock_Array *state = stack.Arg1().DereferenceArray();
        int result = -1;

        if (flows != NULL && slot >= 0 && state != NULL && state->m_numOfElements >= sizeof(nr_flow_state))
        {
            result = nr_flows_read(flows, (u32_t)slot, state->GetFirstElement());
        }
        stack.SetResult_I4(result);
    }
    NANOCLR_NOCLEANUP_NOLABEL();
}
