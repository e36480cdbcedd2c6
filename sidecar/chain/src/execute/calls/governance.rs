//! `walrus::governance`: proposals, votes, execution and deposits, each calling the twin with
//! Sui's argument rules. `create` is not dispatched: genesis creates the one `Governance` (its
//! `GovernanceInitCap` is consumed there). `execute_upgrade` returns the `UpgradeTicket` hot
//! potato, which only the `Upgrade` command could consume; the chain rejects that command, so
//! such a transaction fails with `UnusedValueWithoutDrop` once the call's own checks pass.

use sui_sdk_types::{CommandArgumentError as ArgErr, ExecutionError, MoveCall};
use walrus_contracts::{
    MoveAbort, ObjectId,
    governance::{self, VoteRecord},
    objects::Object as T,
};

use super::{Interp, Value, arg_error, arity, pure, take_clock};
use crate::types::Obj;

/// The outer `Result` is an argument or dispatch error; the inner one a Move abort.
pub(super) fn calls(
    interp: &mut Interp,
    call: &MoveCall,
    function: &str,
) -> Result<Result<Vec<Value>, MoveAbort>, ExecutionError> {
    let args = &call.arguments;
    let ok = |values: Vec<Value>| Ok(Ok(values));
    match function {
        "propose_parameter_change" | "propose_upgrade" | "propose_text" => {
            // (&mut Governance, &Staking, &StakedWal, <action...>, Coin<WAL>, &Clock)
            let n_action = match function {
                "propose_parameter_change" => 3,
                "propose_upgrade" => 2,
                _ => 1,
            };
            arity(call, 5 + n_action)?;
            let deposit_index = 3 + n_action;
            let clock_index = deposit_index + 1;
            let (parameter, value, digest, description): (u8, u64, Vec<u8>, String) = match function {
                "propose_parameter_change" => {
                    (interp.pure(3, args[3])?, interp.pure(4, args[4])?, Vec::new(), interp.pure(5, args[5])?)
                }
                "propose_upgrade" => (0, 0, interp.pure(3, args[3])?, interp.pure(4, args[4])?),
                _ => (0, 0, Vec::new(), interp.pure(3, args[3])?),
            };
            let deposit = expect!(interp.take_obj(deposit_index, args[deposit_index])?, Coin, deposit_index);
            let (clock_obj, clock) = take_clock(interp, args, clock_index)?;
            let mut governance = interp.take_mut(0, args[0])?;
            let result = with_refs!(interp, args, [(1, Staking, staking), (2, StakedWal, staked)], {
                let governance = variant!(governance, Governance, 0);
                match function {
                    "propose_parameter_change" => governance.propose_parameter_change(
                        staking,
                        staked,
                        parameter,
                        value,
                        description,
                        deposit,
                        &clock,
                        &mut interp.ctx,
                    ),
                    "propose_upgrade" => governance.propose_upgrade(
                        staking,
                        staked,
                        digest,
                        description,
                        deposit,
                        &clock,
                        &mut interp.ctx,
                    ),
                    _ => governance.propose_text(staking, staked, description, deposit, &clock, &mut interp.ctx),
                }
            });
            interp.put_back(args[0], governance);
            interp.put_back(args[clock_index], clock_obj);
            Ok(result.map(|id| vec![pure(&id)]))
        }
        "vote" => {
            arity(call, 5)?;
            let choice: u8 = interp.pure(3, args[3])?;
            let (clock_obj, clock) = take_clock(interp, args, 4)?;
            let mut proposal = interp.take_mut(0, args[0])?;
            let mut staked = interp.take_mut(2, args[2])?;
            let result = with_refs!(interp, args, [(1, Staking, staking)], {
                governance::vote(
                    variant!(proposal, Proposal, 0),
                    staking,
                    variant!(staked, StakedWal, 2),
                    choice,
                    &clock,
                    &mut interp.ctx,
                )
            });
            interp.put_back(args[0], proposal);
            interp.put_back(args[2], staked);
            interp.put_back(args[4], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        "release_vote_lock" => {
            arity(call, 2)?;
            let (clock_obj, clock) = take_clock(interp, args, 1)?;
            let result = with_mut!(interp, args, 0, StakedWal, |staked| governance::release_vote_lock(staked, &clock));
            interp.put_back(args[1], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        "voting_power" => {
            arity(call, 2)?;
            let result = with_refs!(
                interp,
                args,
                [(0, Staking, staking), (1, StakedWal, staked)],
                governance::voting_power(staking, staked)
            );
            Ok(result.map(|power| vec![pure(&power)]))
        }
        "execute" => {
            arity(call, 5)?;
            let (clock_obj, clock) = take_clock(interp, args, 4)?;
            let mut governance = interp.take_mut(0, args[0])?;
            let mut proposal = interp.take_mut(1, args[1])?;
            let mut staking = interp.take_mut(2, args[2])?;
            let mut system = interp.take_mut(3, args[3])?;
            let result = variant!(governance, Governance, 0).execute(
                variant!(proposal, Proposal, 1),
                variant!(staking, Staking, 2),
                variant!(system, System, 3),
                &clock,
                &mut interp.ctx,
            );
            interp.put_back(args[0], governance);
            interp.put_back(args[1], proposal);
            interp.put_back(args[2], staking);
            interp.put_back(args[3], system);
            interp.put_back(args[4], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        "execute_upgrade" => {
            arity(call, 3)?;
            let (clock_obj, clock) = take_clock(interp, args, 2)?;
            let mut governance = interp.take_mut(0, args[0])?;
            let mut proposal = interp.take_mut(1, args[1])?;
            let result = variant!(governance, Governance, 0).execute_upgrade(
                variant!(proposal, Proposal, 1),
                &clock,
                &mut interp.ctx,
            );
            interp.put_back(args[0], governance);
            interp.put_back(args[1], proposal);
            interp.put_back(args[2], clock_obj);
            Ok(result.map(|ticket| vec![Value::UpgradeTicket(ticket)]))
        }
        "commit_upgrade" => {
            // A receipt only comes from the `Upgrade` command, which the chain rejects: whatever
            // is passed here is not one.
            arity(call, 2)?;
            Err(arg_error(1, ArgErr::TypeMismatch))
        }
        "settle_deposit" => {
            arity(call, 3)?;
            let (clock_obj, clock) = take_clock(interp, args, 2)?;
            let mut proposal = interp.take_mut(0, args[0])?;
            let mut staking = interp.take_mut(1, args[1])?;
            let result = governance::settle_deposit(
                variant!(proposal, Proposal, 0),
                variant!(staking, Staking, 1),
                &clock,
                &mut interp.ctx,
            );
            interp.put_back(args[0], proposal);
            interp.put_back(args[1], staking);
            interp.put_back(args[2], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        "is_valid_parameter_value" => {
            arity(call, 2)?;
            let parameter: u8 = interp.pure(0, args[0])?;
            let value: u64 = interp.pure(1, args[1])?;
            ok(vec![pure(&governance::is_valid_parameter_value(parameter, value))])
        }
        "n_parameters" => {
            arity(call, 0)?;
            ok(vec![pure(&(governance::Parameter::ALL.len() as u8))])
        }
        "version"
        | "min_deposit_frost"
        | "voting_duration_ms"
        | "execution_delay_ms"
        | "quorum_bps"
        | "approval_threshold_bps"
        | "n_proposals"
        | "upgrade_cap_id"
        | "package_id"
        | "package_version" => {
            arity(call, 1)?;
            let value = with_refs!(
                interp,
                args,
                [(0, Governance, g)],
                match function {
                    "version" => pure(&g.version),
                    "min_deposit_frost" => pure(&g.min_deposit_frost),
                    "voting_duration_ms" => pure(&g.voting_duration_ms),
                    "execution_delay_ms" => pure(&g.execution_delay_ms),
                    "quorum_bps" => pure(&g.quorum_bps),
                    "approval_threshold_bps" => pure(&g.approval_threshold_bps),
                    "n_proposals" => pure(&g.n_proposals()),
                    "upgrade_cap_id" => pure(&g.upgrade_cap.id),
                    "package_id" => pure(&g.upgrade_cap.package),
                    _ => pure(&g.upgrade_cap.version),
                }
            );
            ok(vec![value])
        }
        "proposal_id" => {
            arity(call, 2)?;
            let number: u64 = interp.pure(1, args[1])?;
            let result = with_refs!(interp, args, [(0, Governance, g)], g.proposal_id(number));
            Ok(result.map(|id| vec![pure(&id)]))
        }
        "vote_of" => {
            arity(call, 2)?;
            let staked_wal_id: ObjectId = interp.pure(1, args[1])?;
            let record = with_refs!(interp, args, [(0, Proposal, p)], p.vote_of(&staked_wal_id));
            ok(vec![pure(&record)])
        }
        "vote_choice" | "vote_weight" => {
            arity(call, 1)?;
            let record: VoteRecord = interp.pure(0, args[0])?;
            ok(vec![if function == "vote_choice" { pure(&record.choice) } else { pure(&record.weight) }])
        }
        "number"
        | "proposer"
        | "kind"
        | "parameter"
        | "value"
        | "digest"
        | "description"
        | "deposit_frost"
        | "deposit_value"
        | "created_epoch"
        | "created_ms"
        | "voting_end_ms"
        | "executable_from_ms"
        | "total_stake"
        | "proposal_quorum_bps"
        | "proposal_approval_threshold_bps"
        | "yes_stake"
        | "no_stake"
        | "abstain_stake"
        | "n_votes"
        | "is_executed"
        | "is_deposit_settled"
        | "reached_quorum"
        | "is_approved" => {
            arity(call, 1)?;
            let value = with_refs!(interp, args, [(0, Proposal, p)], {
                let (kind, parameter, value, digest) = p.action.parts();
                match function {
                    "number" => pure(&p.number),
                    "proposer" => pure(&p.proposer),
                    "kind" => pure(&kind),
                    "parameter" => pure(&parameter),
                    "value" => pure(&value),
                    "digest" => pure(&digest),
                    "description" => pure(&p.description),
                    "deposit_frost" => pure(&p.deposit_frost),
                    "deposit_value" => pure(&p.deposit.value),
                    "created_epoch" => pure(&p.created_epoch),
                    "created_ms" => pure(&p.created_ms),
                    "voting_end_ms" => pure(&p.voting_end_ms),
                    "executable_from_ms" => pure(&p.executable_from_ms),
                    "total_stake" => pure(&p.total_stake),
                    "proposal_quorum_bps" => pure(&p.quorum_bps),
                    "proposal_approval_threshold_bps" => pure(&p.approval_threshold_bps),
                    "yes_stake" => pure(&p.yes_stake),
                    "no_stake" => pure(&p.no_stake),
                    "abstain_stake" => pure(&p.abstain_stake),
                    "n_votes" => pure(&p.votes.size),
                    "is_executed" => pure(&p.executed),
                    "is_deposit_settled" => pure(&p.deposit_settled),
                    "reached_quorum" => pure(&p.reached_quorum()),
                    _ => pure(&p.is_approved()),
                }
            });
            ok(vec![value])
        }
        _ => Err(ExecutionError::FunctionNotFound),
    }
}
